/* data_lock.h - one process at a time may own a data directory.
 *
 * `foliod serve` holds DIR/foliod.lock (flock, exclusive) for as long as it
 * runs, and offline tools that rewrite the directory (`foliod compact`)
 * take the same lock, so neither can pull the database out from under the
 * other. The lock goes with the process, however it ends; the file stays,
 * holding the PID of its last owner so a refusal can name who holds it. */
#ifndef FOLIO_DATA_LOCK_H
#define FOLIO_DATA_LOCK_H

#define DATA_LOCK_FILE "foliod.lock"

/* Takes the lock of dir without waiting. Returns the descriptor to keep
 * open (close-on-exec), or -1 with errno: EWOULDBLOCK when another process
 * holds it, ENOENT when dir does not exist. */
int data_lock_take(const char *dir);
/* The PID written by the process that holds dir's lock, or 0 when the
 * file is missing, unreadable or not yet written. Only meaningful right
 * after data_lock_take failed with EWOULDBLOCK. */
long data_lock_holder(const char *dir);
/* Gives it back; -1 is ignored. */
void data_lock_release(int fd);

#endif
