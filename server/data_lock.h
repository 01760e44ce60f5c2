/* data_lock.h - one process at a time may own a data directory.
 *
 * `foliod serve` holds DIR/foliod.lock (flock, exclusive) for as long as it
 * runs, and offline tools that rewrite the directory (`foliod compact`)
 * take the same lock, so neither can pull the database out from under the
 * other. The lock goes with the process, however it ends; the file stays. */
#ifndef FOLIO_DATA_LOCK_H
#define FOLIO_DATA_LOCK_H

#define DATA_LOCK_FILE "foliod.lock"

/* Takes the lock of dir without waiting. Returns the descriptor to keep
 * open (close-on-exec), or -1 with errno: EWOULDBLOCK when another process
 * holds it, ENOENT when dir does not exist. */
int data_lock_take(const char *dir);
/* Gives it back; -1 is ignored. */
void data_lock_release(int fd);

#endif
