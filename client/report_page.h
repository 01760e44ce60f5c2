/* report_page.h - the page `folio report` writes: one self-contained HTML
 * document of a Report (folio.proto).
 *
 * Nothing in it reaches the network and nothing needs a script: the style
 * is inline, each chart (report_chart.h) is an SVG image inside the page as
 * a data: URI (each its own document, so their inner ids never meet), and
 * beside each chart a table gives the same numbers in words, with data-*
 * attributes a program can read (data-key, data-currency, data-count,
 * data-premium-cents). Every text from the server is escaped. A print
 * style lays it out on A4. */
#ifndef FOLIO_REPORT_PAGE_H
#define FOLIO_REPORT_PAGE_H

#include <stdio.h>

#include "folio.pb-c.h"

/* 0, or -1 when writing failed or memory ran out (errno says which). */
int report_page_write(FILE *out, const Folio__Report *report);

#endif
