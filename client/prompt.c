/* prompt.c - see prompt.h. */
#include "prompt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

static const char password_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

bool prompt_interactive(void)
{
    return isatty(STDIN_FILENO) == 1;
}

bool prompt_can_ask(void)
{
    return isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1;
}

int prompt_yes_no(const char *question, bool *yes, char *err, size_t errlen)
{
    fputs(question, stderr);
    fflush(stderr);
    char answer[4];
    size_t len = 0;
    bool too_long = false;
    int ch;
    while ((ch = getc(stdin)) != EOF && ch != '\n') {
        if (len < sizeof(answer) - 1)
            answer[len++] = (char)ch;
        else
            too_long = true;
    }
    answer[len] = '\0';
    if (ferror(stdin)) {
        snprintf(err, errlen, "cannot read the answer: %s", strerror(errno));
        return -1;
    }
    /* End of input (Ctrl-D) left the cursor after the question. */
    if (ch == EOF)
        fputc('\n', stderr);
    *yes = !too_long && (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0);
    return 0;
}

int prompt_stdin_line(prompt_password out, const char *what, char *err, size_t errlen)
{
    size_t len = 0;
    int ch;
    while ((ch = getc(stdin)) != EOF && ch != '\n') {
        if (ch == '\0') {
            snprintf(err, errlen, "the %s contains a NUL byte", what);
            goto fail;
        }
        if (len == PROMPT_PASSWORD_MAX) {
            snprintf(err, errlen, "the %s is longer than %d bytes", what, PROMPT_PASSWORD_MAX);
            goto fail;
        }
        out[len++] = (char)ch;
    }
    out[len] = '\0';
    if (ferror(stdin)) {
        snprintf(err, errlen, "cannot read the %s: %s", what, strerror(errno));
        goto fail;
    }
    if (len == 0) {
        snprintf(err, errlen, "no %s given", what);
        goto fail;
    }
    return 0;
fail:
    explicit_bzero(out, sizeof(prompt_password));
    return -1;
}

/* Echo is off while the user types; a signal must not leave it off. */
static struct termios saved_termios;
static const int restore_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define RESTORE_SIGNALS (sizeof(restore_signals) / sizeof(restore_signals[0]))

static void restore_and_reraise(int sig)
{
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    signal(sig, SIG_DFL);
    raise(sig);
}

int prompt_hidden(const char *prompt, prompt_password out, char *err, size_t errlen)
{
    if (tcgetattr(STDIN_FILENO, &saved_termios) < 0) {
        snprintf(err, errlen, "cannot prompt for a password: %s", strerror(errno));
        return -1;
    }
    struct sigaction sa = {.sa_handler = restore_and_reraise};
    sigemptyset(&sa.sa_mask);
    struct sigaction old[RESTORE_SIGNALS];
    for (size_t i = 0; i < RESTORE_SIGNALS; i++)
        sigaction(restore_signals[i], &sa, &old[i]);
    struct termios quiet = saved_termios;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ICANON;
    fputs(prompt, stderr);
    fflush(stderr);
    int rc;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0) {
        snprintf(err, errlen, "cannot turn off echo: %s", strerror(errno));
        rc = -1;
    } else {
        rc = prompt_stdin_line(out, "password", err, errlen);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
    }
    fputc('\n', stderr);
    for (size_t i = 0; i < RESTORE_SIGNALS; i++)
        sigaction(restore_signals[i], &old[i], NULL);
    return rc;
}

int prompt_hidden_twice(const char *prompt, prompt_password out, char *err, size_t errlen)
{
    prompt_password again;
    if (prompt_hidden(prompt, out, err, errlen) < 0)
        return -1;
    int rc = prompt_hidden("Repeat it: ", again, err, errlen);
    if (rc == 0 && strcmp(out, again) != 0) {
        snprintf(err, errlen, "the passwords do not match");
        rc = -1;
    }
    explicit_bzero(again, sizeof(again));
    if (rc < 0)
        explicit_bzero(out, sizeof(prompt_password));
    return rc;
}

int prompt_generate(prompt_password out, char *err, size_t errlen)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open /dev/urandom: %s", strerror(errno));
        return -1;
    }
    /* Bytes at or above the largest multiple of the alphabet size are
     * skipped, so every character is equally likely. */
    const unsigned alphabet = sizeof(password_alphabet) - 1;
    const unsigned limit = 256 - 256 % alphabet;
    size_t len = 0;
    while (len < PROMPT_GENERATED) {
        unsigned char bytes[64];
        ssize_t n = read(fd, bytes, sizeof(bytes));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot read /dev/urandom: %s",
                     n < 0 ? strerror(errno) : "end of file");
            close(fd);
            explicit_bzero(out, sizeof(prompt_password));
            return -1;
        }
        for (ssize_t i = 0; i < n && len < PROMPT_GENERATED; i++)
            if (bytes[i] < limit)
                out[len++] = password_alphabet[bytes[i] % alphabet];
        explicit_bzero(bytes, sizeof(bytes));
    }
    out[len] = '\0';
    close(fd);
    return 0;
}
