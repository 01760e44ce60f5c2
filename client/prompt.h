/* prompt.h - passwords from a terminal, from standard input, or made up;
 * and yes-or-no questions to a person at a terminal.
 *
 * Every function returns 0, or -1 with a message in err. Buffers hold
 * PROMPT_PASSWORD_MAX bytes and a NUL; callers wipe them with
 * explicit_bzero() once the password has been sent. */
#ifndef FOLIO_PROMPT_H
#define FOLIO_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#define PROMPT_PASSWORD_MAX 1024
#define PROMPT_GENERATED    20

typedef char prompt_password[PROMPT_PASSWORD_MAX + 1];

/* True when standard input is a terminal: prompts are possible. */
bool prompt_interactive(void);

/* True when a person can be asked a question: standard input and standard
 * error (where prompts go) are both terminals. */
bool prompt_can_ask(void);

/* Writes question on stderr and reads the answer from standard input, as
 * the password prompts do. *yes is set for "y" or "yes" in any case; any
 * other answer, or none, is no. */
int prompt_yes_no(const char *question, bool *yes, char *err, size_t errlen);

/* The next line of standard input, without its newline. */
int prompt_stdin_line(prompt_password out, const char *what, char *err, size_t errlen);

/* Writes prompt on stderr and reads a line from the terminal without echo. */
int prompt_hidden(const char *prompt, prompt_password out, char *err, size_t errlen);

/* Asks twice and insists that both answers match. */
int prompt_hidden_twice(const char *prompt, prompt_password out, char *err, size_t errlen);

/* PROMPT_GENERATED random letters and digits from /dev/urandom. */
int prompt_generate(prompt_password out, char *err, size_t errlen);

#endif
