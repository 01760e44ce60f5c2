/* report_chart.c - see report_chart.h. */
#include "report_chart.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CHART_WIDTH     680.0
#define CHART_ROW       22.0
#define CHART_BAR       14.0
#define CHART_PAD       8.0
#define CHART_LABEL_W   240.0
#define CHART_VALUE_W   150.0
#define CHART_FONT_SIZE 11.0
#define CHART_LABEL_MAX 256 /* bytes of a label drawn */

struct chart_buffer {
    char *data;
    size_t len, cap;
    bool failed;
};

static cairo_status_t chart_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct chart_buffer *b = closure;
    if (b->failed)
        return CAIRO_STATUS_NO_MEMORY;
    if (length > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 8192;
        while (length > cap - b->len) {
            if (cap > SIZE_MAX / 2) {
                b->failed = true;
                return CAIRO_STATUS_NO_MEMORY;
            }
            cap *= 2;
        }
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, length);
    b->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* The label cut to fit width: whole UTF-8 characters and an ellipsis. */
static void chart_fit(cairo_t *cr, const char *label, double width, char *out, size_t cap)
{
    size_t len = strlen(label);
    if (len >= cap)
        len = cap - 4;
    for (;;) {
        /* Never end inside a character: drop continuation bytes. */
        while (len > 0 && ((unsigned char)label[len] & 0xC0) == 0x80)
            len--;
        memcpy(out, label, len);
        out[len] = '\0';
        if (len < strlen(label))
            memcpy(out + len, "\xe2\x80\xa6", 4);
        cairo_text_extents_t ext;
        cairo_text_extents(cr, out, &ext);
        if (ext.x_advance <= width || len == 0)
            return;
        len--;
    }
}

static void chart_draw(cairo_t *cr, const struct report_bar *bars, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    double bar_room = CHART_WIDTH - CHART_LABEL_W - CHART_VALUE_W - 2 * CHART_PAD;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, CHART_FONT_SIZE);
    for (size_t i = 0; i < n; i++) {
        double top = CHART_PAD + (double)i * CHART_ROW;
        double baseline = top + CHART_ROW / 2 + CHART_FONT_SIZE / 3;
        char label[CHART_LABEL_MAX + 4];
        chart_fit(cr, bars[i].label, CHART_LABEL_W - CHART_PAD, label, sizeof(label));
        cairo_text_extents_t ext;
        cairo_text_extents(cr, label, &ext);
        cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
        cairo_move_to(cr, CHART_LABEL_W - ext.x_advance, baseline);
        cairo_show_text(cr, label);
        double len = max > 0 && bars[i].value > 0 ? bars[i].value / max * bar_room : 0;
        if (len > 0 && len < 1)
            len = 1; /* a small value still shows */
        cairo_set_source_rgb(cr, 0.16, 0.42, 0.66);
        cairo_rectangle(cr, CHART_LABEL_W + CHART_PAD, top + (CHART_ROW - CHART_BAR) / 2, len,
                        CHART_BAR);
        cairo_fill(cr);
        char value[CHART_LABEL_MAX + 4];
        chart_fit(cr, bars[i].text, CHART_VALUE_W, value, sizeof(value));
        cairo_set_source_rgb(cr, 0.13, 0.13, 0.13);
        cairo_move_to(cr, CHART_LABEL_W + 2 * CHART_PAD + len, baseline);
        cairo_show_text(cr, value);
    }
}

int report_chart_bars(const struct report_bar *bars, size_t n, char **svg, size_t *len)
{
    if (n > REPORT_CHART_BARS)
        n = REPORT_CHART_BARS;
    struct chart_buffer buf = {0};
    double height = 2 * CHART_PAD + (double)(n > 0 ? n : 1) * CHART_ROW;
    cairo_surface_t *surface =
        cairo_svg_surface_create_for_stream(chart_write, &buf, CHART_WIDTH, height);
    cairo_t *cr = cairo_create(surface);
    chart_draw(cr, bars, n);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS || buf.failed) {
        free(buf.data);
        return -1;
    }
    *svg = buf.data;
    *len = buf.len;
    return 0;
}

void report_chart_done(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
