/* host_name.c - see host_name.h. */
#include "host_name.h"

#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#define HOST_NAME_LABEL_MAX 63

static bool host_name_letter_digit(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool host_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > HOST_NAME_MAX_BYTES)
        return false;
    size_t label = 0;
    for (size_t i = 0; i <= len; i++) {
        char c = name[i];
        if (c == '.' || c == '\0') {
            /* An empty label ("a..b", ".a", "a.") or one ending in '-'. */
            if (label == 0 || name[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!host_name_letter_digit(c) && c != '-')
            return false;
        if (label == 0 && c == '-')
            return false;
        if (++label > HOST_NAME_LABEL_MAX)
            return false;
    }
    return true;
}

bool host_name_is_ip(const char *text)
{
    unsigned char raw[16];
    return inet_pton(AF_INET, text, raw) == 1 || inet_pton(AF_INET6, text, raw) == 1;
}
