/* fuzz_store_image.h - every record of every table of a store, held in
 * memory, and put back: how a harness that serves many inputs from one
 * open store undoes what an input wrote, without closing the environment.
 *
 * fuzz_store_image_take reads, in one read transaction, each named table
 * of the environment (as its main database lists them) and every record of
 * it, duplicates included. fuzz_store_image_restore empties each of those
 * tables and puts their records back in one write transaction, which it
 * commits: the store then reads as it did when the image was taken (the
 * pages the records sit on may differ; what any transaction reads does
 * not). It fails the input when a table has appeared since the image was
 * taken. Both run on a thread that holds no transaction of the store,
 * while no other thread writes (the writer thread idle, between inputs). */
#ifndef FOLIO_FUZZ_STORE_IMAGE_H
#define FOLIO_FUZZ_STORE_IMAGE_H

#include "store.h"

struct fuzz_store_image;

struct fuzz_store_image *fuzz_store_image_take(struct store *s);
void fuzz_store_image_restore(const struct fuzz_store_image *image, struct store *s);
void fuzz_store_image_free(struct fuzz_store_image *image);

#endif
