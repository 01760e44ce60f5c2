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

struct store;

/* The file the copy is written to before it replaces data.mdb. */
#define COMPACT_TEMP_FILE "data.mdb.compact"

/* Compacts DIR/data.mdb. Returns 0 with the file's sizes before and after,
 * or -1 with a sentence in why; on failure data.mdb is as it was. */
int compact_data_dir(const char *dir, long long *before, long long *after, char *why,
                     size_t why_size);

/* The same compacted copy, written to fd (a pipe will do: the copy never
 * seeks) for a backup (backup_file.h), from one read transaction, so it is
 * consistent whatever is written meanwhile.
 *
 * compact_copy_store copies the store a serving foliod has open; it holds
 * the store's resize_lock shared, so the map is not grown under it. Any
 * thread. 0, or an errno or LMDB code. */
int compact_copy_store(struct store *store, int fd);

/* compact_copy_dir copies DIR/data.mdb from outside the process that
 * serves it, or with none serving: it opens the environment read-only
 * (MDB_RDONLY), writes nothing to the database and takes no data lock.
 * LMDB's readers are shared between processes through DIR/lock.mdb, where
 * this one registers its read transaction, and a writer never reuses the
 * pages a registered reader sees; a `foliod compact` that replaces data.mdb
 * meanwhile leaves the copy reading the file it opened. The lock.mdb must be
 * writable (the serving user's). 0, or an errno or LMDB code. */
int compact_copy_dir(const char *dir, int fd);

#endif
