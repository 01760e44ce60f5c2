/* firm.c - see firm.h. */
#include "firm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "firm_key.h"
#include "rule.h"
#include "store.h"
#include "store_meta.h"
#include "store_holding.h"
#include "store_rule.h"
#include "store_user.h"
#include "time_zone.h"
#include "validate.h"

/* Undoes firm_key_create when the firm it was made for was not saved. */
static void firm_key_remove(const char *dir, struct firm_key *key)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, FIRM_KEY_FILE) < sizeof(path))
        unlink(path);
    sodium_memzero(key, sizeof(*key));
}

/* The default calendar with the firm's time zone, when it has one. */
static int firm_time_zone(struct store *store, MDB_txn *txn, const char *time_zone)
{
    if (time_zone == NULL || time_zone[0] == '\0')
        return 0;
    Folio__Calendar calendar = *rule_default_calendar();
    calendar.time_zone = (char *)time_zone;
    return store_meta_calendar_put(store, txn, &calendar);
}

static int firm_write(struct store *store, const char *dir, const char *firm_name,
                      const char *admin_name, const char *hash, const char *time_zone, char *why,
                      size_t why_size)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(store->env, NULL, 0, &txn);
    if (rc != 0) {
        snprintf(why, why_size, "cannot write to the store: %s", store_strerror(rc));
        return -1;
    }
    struct arena arena;
    arena_init(&arena, 0);
    Folio__Firm *existing;
    rc = store_meta_firm_get(store, txn, &arena, &existing);
    if (rc == 0) {
        snprintf(why, why_size, "%s already holds firm \"%s\"; refusing to initialise it again",
                 dir, existing->name);
        arena_free(&arena);
        mdb_txn_abort(txn);
        return -1;
    }
    arena_free(&arena);
    if (rc != MDB_NOTFOUND) {
        snprintf(why, why_size, "cannot read the store: %s", store_strerror(rc));
        mdb_txn_abort(txn);
        return -1;
    }
    /* The key file is made only once the directory is known to hold no
     * firm, and removed again if the firm cannot be saved with it. */
    struct firm_key key;
    if (firm_key_create(dir, &key, why, why_size) != 0) {
        mdb_txn_abort(txn);
        return -1;
    }
    int64_t now = (int64_t)time(NULL);
    Folio__Firm firm = FOLIO__FIRM__INIT;
    firm.name = (char *)firm_name;
    firm.created_at = now;
    firm.public_key.data = key.public_key;
    firm.public_key.len = sizeof(key.public_key);
    Folio__User admin = FOLIO__USER__INIT;
    admin.name = (char *)admin_name;
    admin.role = FOLIO__ROLE__ROLE_FIRM_ADMIN;
    admin.created_at = admin.updated_at = now;
    Folio__Credential cred = FOLIO__CREDENTIAL__INIT;
    cred.password_hash = (char *)hash;
    cred.updated_at = now;
    if ((rc = store_meta_firm_put(store, txn, &firm)) != 0 ||
        (rc = store_user_put(store, txn, &admin)) != 0 ||
        (rc = store_credential_put(store, txn, admin.id, &cred)) != 0 ||
        (rc = store_rule_seed(store, txn, now)) != 0 ||
        (rc = store_holding_agenda_seed(store, txn)) != 0 ||
        (rc = firm_time_zone(store, txn, time_zone)) != 0 ||
        (rc = audit_append_as(store, txn, now, admin_name, 0, "firm.init", firm_name,
                              "first firm-admin created")) != 0) {
        snprintf(why, why_size, "cannot create the firm: %s", store_strerror(rc));
        mdb_txn_abort(txn);
        firm_key_remove(dir, &key);
        return -1;
    }
    rc = mdb_txn_commit(txn);
    if (rc != 0) {
        snprintf(why, why_size, "cannot save the firm: %s", store_strerror(rc));
        firm_key_remove(dir, &key);
        return -1;
    }
    sodium_memzero(&key, sizeof(key));
    return 0;
}

int firm_init(const char *dir, const char *firm_name, char *admin_name, const char *password,
              const char *time_zone, enum hasher_cost cost, char *why, size_t why_size)
{
    const char *bad = validate_firm_name(firm_name);
    if (bad == NULL)
        bad = validate_user_name(admin_name);
    if (bad == NULL)
        bad = validate_password(password);
    if (bad == NULL && time_zone != NULL)
        bad = time_zone_check(time_zone);
    if (bad != NULL) {
        snprintf(why, why_size, "%s", bad);
        return -1;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(why, why_size, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (hasher_hash(cost, password, hash) != 0) {
        snprintf(why, why_size, "not enough memory to hash the password");
        return -1;
    }
    struct store store;
    int rc = store_open(&store, dir, 1);
    if (rc != 0) {
        snprintf(why, why_size, "cannot open the store in %s: %s", dir, store_strerror(rc));
        return -1;
    }
    rc = firm_write(&store, dir, firm_name, admin_name, hash, time_zone, why, why_size);
    store_close(&store);
    return rc;
}
