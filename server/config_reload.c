/* config_reload.c - see config_reload.h. */
#include "config_reload.h"

#include "foliod_conf.h"
#include "log.h"
#include "server_options.h"

static void config_reload_changed(const char *name, bool live, void *arg)
{
    const char *file = arg;
    if (live)
        log_info("SIGHUP: %s changed in %s; applied", name, file);
    else
        log_warn("SIGHUP: %s changed in %s; it needs a restart", name, file);
}

int config_reload(struct server_config *config, char *why, size_t why_size)
{
    if (config->config_file == NULL)
        return 1;
    struct server_config fresh;
    server_config_defaults(&fresh);
    struct foliod_conf conf;
    int rc = -1;
    if (foliod_conf_read(&conf, config->config_file, &fresh, why, why_size) == 0 &&
        server_options_environment(&fresh, why, why_size) == SERVER_OPTIONS_OK &&
        (config->argc == 0 || server_options_parse(config->argc, config->argv, &fresh, why,
                                                   why_size) == SERVER_OPTIONS_OK)) {
        server_options_reload(config, &fresh, config_reload_changed, (void *)config->config_file);
        rc = 0;
    }
    foliod_conf_free(&conf);
    return rc;
}
