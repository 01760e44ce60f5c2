/* folioclient_names.c - see folioclient_names.h. */
#include "folioclient_names.h"

#include <stddef.h>
#include <string.h>

#include "array_size.h"

struct name {
    int value;
    const char *name;
};

static const struct name role_names[] = {
    {FOLIO__ROLE__ROLE_AGENT, "agent"},
    {FOLIO__ROLE__ROLE_OFFICE_ADMIN, "office-admin"},
    {FOLIO__ROLE__ROLE_FIRM_ADMIN, "firm-admin"},
};

static const struct name marital_names[] = {
    {FOLIO__MARITAL_STATUS__MARITAL_SINGLE, "single"},
    {FOLIO__MARITAL_STATUS__MARITAL_MARRIED, "married"},
    {FOLIO__MARITAL_STATUS__MARITAL_PARTNERED, "partnered"},
    {FOLIO__MARITAL_STATUS__MARITAL_DIVORCED, "divorced"},
    {FOLIO__MARITAL_STATUS__MARITAL_WIDOWED, "widowed"},
};

/* The entry of names called name, or NULL. */
static const struct name *by_name(const struct name *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n && name != NULL; i++)
        if (strcmp(name, names[i].name) == 0)
            return &names[i];
    return NULL;
}

/* The name of value in names, or NULL. */
static const char *name_of(const struct name *names, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (names[i].value == value)
            return names[i].name;
    return NULL;
}

int folio_role_from_name(const char *name, Folio__Role *role)
{
    const struct name *found = by_name(role_names, ARRAY_SIZE(role_names), name);
    if (found == NULL)
        return -1;
    *role = (Folio__Role)found->value;
    return 0;
}

const char *folio_role_name(Folio__Role role)
{
    const char *name = name_of(role_names, ARRAY_SIZE(role_names), (int)role);
    if (name != NULL)
        return name;
    return role == FOLIO__ROLE__ROLE_UNSPECIFIED ? "unspecified" : "unknown";
}

int folio_marital_from_name(const char *name, Folio__MaritalStatus *status)
{
    const struct name *found = by_name(marital_names, ARRAY_SIZE(marital_names), name);
    if (found == NULL)
        return -1;
    *status = (Folio__MaritalStatus)found->value;
    return 0;
}

const char *folio_marital_name(Folio__MaritalStatus status)
{
    return name_of(marital_names, ARRAY_SIZE(marital_names), (int)status);
}
