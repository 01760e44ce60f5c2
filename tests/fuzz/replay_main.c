/* replay_main.c - runs a harness over saved inputs without libFuzzer: every
 * file named, and every regular file of every directory named (in name
 * order), goes to LLVMFuzzerTestOneInput once. This is how the corpora run
 * in the ordinary test suite, with any compiler and no sanitizer needed.
 *
 * Exits 0 when every input ran; 1 when a file could not be read or a
 * directory holds no input (a corpus that went missing must not pass); a
 * finding aborts, as it does under libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_target.h"

/* No harness is run on inputs this big; a bigger file is not an input. */
#define REPLAY_INPUT_MAX (64u * 1024u * 1024u)

/* Harnesses without an initializer leave this undefined. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > REPLAY_INPUT_MAX) {
        fprintf(stderr, "replay: %s is not an input (over %u bytes, or unreadable)\n", path,
                REPLAY_INPUT_MAX);
        fclose(f);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    /* Exactly the input's size, so that a read past its end is caught. */
    uint8_t *data = malloc(size > 0 ? size : 1);
    if (data == NULL || fread(data, 1, size, f) != size) {
        fprintf(stderr, "replay: cannot read %s\n", path);
        free(data);
        fclose(f);
        return -1;
    }
    fclose(f);
    /* Named before it runs: a finding aborts, and this says which input. */
    fprintf(stderr, "replay: %s\n", path);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int replay_dir(const char *dir, unsigned *count)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "replay: cannot read %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    unsigned here = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat st;
        if (names[i]->d_name[0] != '.' &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < sizeof(path) &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(path) != 0)
                rc = -1;
            here++;
        }
        free(names[i]);
    }
    free(names);
    if (here == 0) {
        fprintf(stderr, "replay: %s holds no input\n", dir);
        return -1;
    }
    *count += here;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    unsigned count = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &count) != 0)
                rc = 1;
        } else if (replay_file(argv[i]) != 0) {
            rc = 1;
        } else {
            count++;
        }
    }
    printf("replayed %u inputs\n", count);
    return rc;
}
