/* report_chart.h - the charts of `folio report`: horizontal bar charts drawn
 * with cairo on its SVG surface, written to memory.
 *
 * Labels are drawn as glyph outlines (cairo's SVG surface keeps no text),
 * so no label can become markup in the SVG. A chart holds at most
 * REPORT_CHART_BARS bars; labels longer than the label column are cut at a
 * character boundary and end with an ellipsis. */
#ifndef FOLIO_REPORT_CHART_H
#define FOLIO_REPORT_CHART_H

#include <stddef.h>
#include <stdint.h>

#define REPORT_CHART_BARS 64

struct report_bar {
    const char *label; /* UTF-8 */
    double value;      /* >= 0: the bar's length against the largest */
    const char *text;  /* written after the bar: the value in words */
};

/* An SVG document of the bars, malloc'd into *svg (*len bytes, no NUL).
 * 0, or -1 when out of memory or cairo failed. */
int report_chart_bars(const struct report_bar *bars, size_t n, char **svg, size_t *len);

/* Releases what drawing left cached for the process (cairo's font caches
 * and fontconfig's configuration), once the last chart is drawn, so that
 * a leak checker sees only real leaks. */
void report_chart_done(void);

#endif
