/* fuzz_support.h - what the harnesses that need a firm share: a scratch
 * directory, a firm made as `foliod init` makes it, and a random source that
 * gives every input the same bytes, so that an input replays exactly as it
 * ran (client ids, session tokens and transfer ids included).
 *
 * The scratch directory is made under $FOLIO_FUZZ_TMPDIR, else /dev/shm when
 * it can be written (LMDB syncs cost nothing there), else $TMPDIR or /tmp;
 * it is removed when the process exits normally. */
#ifndef FOLIO_FUZZ_SUPPORT_H
#define FOLIO_FUZZ_SUPPORT_H

#include <stdint.h>

#define FUZZ_FIRM_NAME      "Fuzz Firm"
#define FUZZ_ADMIN_NAME     "admin"
#define FUZZ_ADMIN_PASSWORD "fuzz-password-1"

/* Installs the repeatable random source, initialises libsodium, quiets the
 * server's log (FOLIO_FUZZ_LOG=error|warn|info|debug overrides: error by
 * default) and ignores SIGPIPE. Once per process, before anything else. */
void fuzz_init(void);

/* Starts the random sequence over: call at the start of every input. */
void fuzz_random_reset(void);

/* The process's scratch directory. */
const char *fuzz_scratch_dir(void);

/* Makes a firm in dir (which must not exist) as `foliod init --hash-cost min`
 * does, with FUZZ_ADMIN_NAME as its firm-admin. */
void fuzz_firm_create(const char *dir);

/* Removes path and everything under it; a missing path is fine. 0 or -1. */
int fuzz_remove_tree(const char *path);

/* A finding, or a harness that cannot go on: prints why and aborts, so that
 * libFuzzer keeps the input and the replay test fails. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
