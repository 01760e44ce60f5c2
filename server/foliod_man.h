/* foliod_man.h - foliod(8), the manual page, in roff.
 *
 * Written from what --help prints, so the two cannot disagree: each
 * command's usage text as main.c holds it, and serve's options read from
 * their table (server_options.h). A usage text is laid out as --help shows
 * it: "usage:" lines, paragraphs, and "  --flag ARG   help" entries whose
 * help may go on, indented, on the next lines. */
#ifndef FOLIO_FOLIOD_MAN_H
#define FOLIO_FOLIOD_MAN_H

#include <stdbool.h>
#include <stdio.h>

struct foliod_man_command {
    const char *name;  /* "init" */
    const char *usage; /* its --help text */
    bool options;      /* serve: the options of server_options.h follow */
};

/* The whole page to out: overview is foliod --help's text. */
void foliod_man(FILE *out, const char *overview, const struct foliod_man_command *cmds, size_t n);

#endif
