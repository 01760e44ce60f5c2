/* foliod_conf.c - see foliod_conf.h.
 *
 * libinih calls back for each key without saying on which line; the lines
 * are counted by the reader it is given (ini_parse_stream), which it calls
 * once per line, so the count is the line of the key being handled. */
#include "foliod_conf.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server_options.h"

#define FOLIOD_CONF_SECTION "serve"

struct foliod_conf_reading {
    struct foliod_conf *conf;
    struct server_config *config;
    FILE *file;
    const char *path;
    int line;       /* lines read so far */
    int error_line; /* the first refused line; 0: none */
    bool too_long;  /* a line longer than libinih reads at once */
    char why[512];
};

/* fgets that counts lines, for libinih. */
static char *foliod_conf_line(char *str, int num, void *stream)
{
    struct foliod_conf_reading *r = stream;
    char *got = fgets(str, num, r->file);
    if (got == NULL)
        return NULL;
    r->line++;
    size_t len = strlen(got);
    if (len + 1 == (size_t)num && got[len - 1] != '\n' && !feof(r->file)) {
        r->too_long = true;
        if (r->error_line == 0) {
            r->error_line = r->line;
            snprintf(r->why, sizeof(r->why), "a line longer than %d bytes", num - 2);
        }
        return NULL;
    }
    return got;
}

static int foliod_conf_keep(struct foliod_conf *conf, const char *value, char **kept)
{
    if (conf->count == conf->capacity) {
        size_t capacity = conf->capacity == 0 ? 16 : conf->capacity * 2;
        char **values = realloc(conf->values, capacity * sizeof(*values));
        if (values == NULL)
            return -1;
        conf->values = values;
        conf->capacity = capacity;
    }
    if ((*kept = strdup(value)) == NULL)
        return -1;
    conf->values[conf->count++] = *kept;
    return 0;
}

/* libinih's handler: nonzero to go on. Only the first refusal is kept. */
static int foliod_conf_key(void *user, const char *section, const char *name, const char *value)
{
    struct foliod_conf_reading *r = user;
    if (r->error_line != 0)
        return 0;
    char why[sizeof(r->why)];
    char *kept;
    if (strcmp(section, FOLIOD_CONF_SECTION) != 0) {
        snprintf(why, sizeof(why), "%s: a key outside the [" FOLIOD_CONF_SECTION "] section%s%s%s",
                 name, section[0] != '\0' ? ", in [" : "", section, section[0] != '\0' ? "]" : "");
    } else if (foliod_conf_keep(r->conf, value, &kept) != 0) {
        snprintf(why, sizeof(why), "%s: out of memory", name);
    } else if (server_options_set_key(name, kept, r->config, why, sizeof(why)) ==
               SERVER_OPTIONS_OK) {
        return 1;
    }
    r->error_line = r->line;
    snprintf(r->why, sizeof(r->why), "%s", why);
    return 0;
}

int foliod_conf_read(struct foliod_conf *conf, const char *path, struct server_config *config,
                     char *why, size_t why_size)
{
    *conf = (struct foliod_conf){0};
    struct foliod_conf_reading r = {.conf = conf, .config = config, .path = path};
    r.file = fopen(path, "re");
    if (r.file == NULL) {
        snprintf(why, why_size, "cannot read the config file %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(r.file), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > FOLIOD_CONF_MAX_BYTES) {
        snprintf(why, why_size, "the config file %s is not a regular file of at most %d bytes",
                 path, FOLIOD_CONF_MAX_BYTES);
        fclose(r.file);
        return -1;
    }
    int rc = ini_parse_stream(foliod_conf_line, &r, foliod_conf_key, &r);
    bool read_error = ferror(r.file) != 0;
    fclose(r.file);
    if (read_error) {
        snprintf(why, why_size, "cannot read the config file %s", path);
        return -1;
    }
    if (r.error_line != 0 && (rc <= 0 || rc >= r.error_line)) {
        snprintf(why, why_size, "%s:%d: %s", path, r.error_line, r.why);
        return -1;
    }
    if (rc != 0) {
        /* A line libinih could not read: not [section] nor KEY = VALUE. */
        snprintf(why, why_size, "%s:%d: not a [section] nor a KEY = VALUE line", path, rc);
        return -1;
    }
    return 0;
}

void foliod_conf_free(struct foliod_conf *conf)
{
    for (size_t i = 0; i < conf->count; i++)
        free(conf->values[i]);
    free(conf->values);
    *conf = (struct foliod_conf){0};
}
