/* transfer.h - a bundle on its way in or out, held in a file under the data
 * directory's transfers/ while it travels in chunks.
 *
 * A connection has at most one transfer at a time (connection->transfer);
 * the file goes when the transfer is finished, when the connection closes,
 * and, for files left by a crash, when the server starts. */
#ifndef FOLIO_TRANSFER_H
#define FOLIO_TRANSFER_H

struct transfer;

/* Closes and removes the transfer's file and frees it. NULL is fine. Loop
 * thread only, and only when no stage of a request is using it. */
void transfer_free(struct transfer *t);

/* Removes what a crash left in DATA/transfers/ (called once at serve start). */
void transfer_clean(const char *data_dir);

#endif
