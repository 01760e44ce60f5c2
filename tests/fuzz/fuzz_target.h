/* fuzz_target.h - the two entry points every harness in tests/fuzz defines
 * (LLVMFuzzerInitialize only when it needs one), called by libFuzzer when
 * fuzzing and by replay_main.c when the corpus is replayed as a test. */
#ifndef FOLIO_FUZZ_TARGET_H
#define FOLIO_FUZZ_TARGET_H

#include <stddef.h>
#include <stdint.h>

/* One input; returns 0. A finding aborts (or trips a sanitizer). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once, before the first input. Returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
