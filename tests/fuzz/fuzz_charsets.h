/* fuzz_charsets.h - keeps glibc's charset modules loaded for the whole run
 * of a harness that converts text (fuzz_csv, fuzz_vcard).
 *
 * glibc loads the module of a charset at iconv_open and unloads it soon
 * after the last iconv_close. A process reads one file; a fuzzer reads
 * millions, each naming charsets of its own (a vCard's CHARSET, a CSV's
 * UTF-16 or windows-1252), and each would cost a dlopen and a dlclose
 * (ISO-8859-1 thousands of times in seconds): a fifth of fuzz_vcard's time
 * built without sanitizers, a few percent with them. */
#ifndef FOLIO_FUZZ_CHARSETS_H
#define FOLIO_FUZZ_CHARSETS_H

/* Opens a converter from each charset address books and spreadsheets name
 * and keeps it until exit. One a system lacks is skipped. */
void fuzz_charsets_hold(void);

#endif
