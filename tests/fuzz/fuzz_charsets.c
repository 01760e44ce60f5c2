/* fuzz_charsets.c - see fuzz_charsets.h. */
#include "fuzz_charsets.h"

#include <iconv.h>
#include <stddef.h>

/* Those of the corpora, and their neighbours a mutation reaches. */
static const char *const fuzz_charsets[] = {
    "WINDOWS-1252", "ISO-8859-1",   "ISO-8859-15",  "UTF-16",       "UTF-7",
    "SHIFT_JIS",    "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1253", "WINDOWS-1254",
};
/* Reachable until exit, so no leak checker reports them. */
static iconv_t fuzz_charsets_open[sizeof(fuzz_charsets) / sizeof(fuzz_charsets[0])];

void fuzz_charsets_hold(void)
{
    for (size_t i = 0; i < sizeof(fuzz_charsets) / sizeof(fuzz_charsets[0]); i++)
        fuzz_charsets_open[i] = iconv_open("UTF-8", fuzz_charsets[i]);
}
