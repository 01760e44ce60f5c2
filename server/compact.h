/* compact.h - rewriting a data directory's database without free pages.
 *
 * LMDB reuses the pages a deletion frees but never gives them back, and
 * they keep the bytes that were written there: an erased client's data is
 * still in data.mdb until those pages are written over. compact_data_dir
 * copies the live pages (mdb_env_copyfd2 with MDB_CP_COMPACT) into a new
 * file beside the old one and renames it into place, so the free pages and
 * what they held leave the file. Offline only: the caller holds the data
 * directory's lock (data_lock.h), so no server has the database open. */
#ifndef FOLIO_COMPACT_H
#define FOLIO_COMPACT_H

#include <stddef.h>

/* The file the copy is written to before it replaces data.mdb. */
#define COMPACT_TEMP_FILE "data.mdb.compact"

/* Compacts DIR/data.mdb. Returns 0 with the file's sizes before and after,
 * or -1 with a sentence in why; on failure data.mdb is as it was. */
int compact_data_dir(const char *dir, long long *before, long long *after, char *why,
                     size_t why_size);

#endif
