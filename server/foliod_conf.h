/* foliod_conf.h - foliod's config file: the [serve] section of an INI file
 * (/etc/folio/foliod.conf unless --config or FOLIOD_CONFIG names another),
 * read with libinih.
 *
 * Its keys are the options of `foliod serve` without their dashes, from the
 * one table of server_options.c: `max-frame = 65536`, `plaintext = true`.
 * docs/foliod.conf is an example naming every key with its default. A line
 * holds at most 198 bytes (libinih's buffer): a longer one is refused.
 *
 *     struct foliod_conf conf;
 *     foliod_conf_read(&conf, path, &config, why, sizeof(why));
 *     ... config's texts point into conf while it is used ...
 *     foliod_conf_free(&conf);
 */
#ifndef FOLIO_FOLIOD_CONF_H
#define FOLIO_FOLIOD_CONF_H

#include <stddef.h>

#include "server.h"

/* Larger files are refused: a config file is a few kilobytes. */
#define FOLIOD_CONF_MAX_BYTES (1024 * 1024)

/* The values read, which config's text options point into. */
struct foliod_conf {
    char **values;
    size_t count, capacity;
};

/* Sets in config every key of path's [serve] section. Returns 0, or -1
 * with why saying "PATH:LINE: KEY ..." for an unknown key, a bad value, a
 * key outside [serve] or a line that is not KEY = VALUE, or why the file
 * cannot be read. conf is to be freed either way. */
int foliod_conf_read(struct foliod_conf *conf, const char *path, struct server_config *config,
                     char *why, size_t why_size);

void foliod_conf_free(struct foliod_conf *conf);

#endif
