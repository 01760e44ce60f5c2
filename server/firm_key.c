/* firm_key.c - see firm_key.h. */
#include "firm_key.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int firm_key_path(const char *dir, char *path, size_t size, char *why, size_t why_size)
{
    if ((size_t)snprintf(path, size, "%s/%s", dir, FIRM_KEY_FILE) >= size) {
        snprintf(why, why_size, "the data directory path is too long");
        return -1;
    }
    return 0;
}

int firm_key_create(const char *dir, struct firm_key *key, char *why, size_t why_size)
{
    char path[4096];
    if (firm_key_path(dir, path, sizeof(path), why, why_size) != 0)
        return -1;
    if (crypto_sign_keypair(key->public_key, key->secret_key) != 0) {
        snprintf(why, why_size, "cannot make a key pair");
        return -1;
    }
    /* O_EXCL: an existing key signs bundles other firms already trust, so
     * it is never silently replaced. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int err = errno;
        if (err == EEXIST)
            snprintf(why, why_size, "%s already exists; refusing to replace the firm key", path);
        else
            snprintf(why, why_size, "cannot create %s: %s", path, strerror(err));
        sodium_memzero(key, sizeof(*key));
        return -1;
    }
    ssize_t n = write(fd, key->secret_key, sizeof(key->secret_key));
    int err = n == (ssize_t)sizeof(key->secret_key) ? 0 : (n < 0 ? errno : EIO);
    if (err == 0 && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && err == 0)
        err = errno;
    if (err != 0) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(err));
        unlink(path);
        sodium_memzero(key, sizeof(*key));
        return -1;
    }
    return 0;
}

int firm_key_load(const char *dir, struct firm_key *key, char *why, size_t why_size)
{
    char path[4096];
    if (firm_key_path(dir, path, sizeof(path), why, why_size) != 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int err = errno;
        snprintf(why, why_size, "cannot open %s: %s", path, strerror(err));
        errno = err;
        return -1;
    }
    struct stat st;
    int rc = -1;
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_size, "cannot read %s: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_size, "%s is not a regular file", path);
    } else if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        snprintf(why, why_size,
                 "%s can be read by others (mode %03o); it must be 0600: chmod 600 %s", path,
                 (unsigned)(st.st_mode & 0777), path);
    } else if (st.st_size != (off_t)crypto_sign_SECRETKEYBYTES) {
        snprintf(why, why_size, "%s holds %lld bytes instead of %d: it is not a firm key", path,
                 (long long)st.st_size, crypto_sign_SECRETKEYBYTES);
    } else if (read(fd, key->secret_key, sizeof(key->secret_key)) !=
               (ssize_t)sizeof(key->secret_key)) {
        snprintf(why, why_size, "cannot read %s", path);
    } else {
        /* The secret key carries its public half; deriving it also checks
         * the file is a key at all. */
        uint8_t seed[crypto_sign_SEEDBYTES];
        uint8_t check[crypto_sign_SECRETKEYBYTES];
        crypto_sign_ed25519_sk_to_seed(seed, key->secret_key);
        crypto_sign_seed_keypair(key->public_key, check, seed);
        if (sodium_memcmp(check, key->secret_key, sizeof(check)) != 0)
            snprintf(why, why_size, "%s is damaged: its two halves do not match", path);
        else
            rc = 0;
        sodium_memzero(seed, sizeof(seed));
        sodium_memzero(check, sizeof(check));
    }
    close(fd);
    if (rc != 0) {
        sodium_memzero(key, sizeof(*key));
        errno = EINVAL;
    }
    return rc;
}

void firm_key_hex(const uint8_t public_key[crypto_sign_PUBLICKEYBYTES], char out[65])
{
    sodium_bin2hex(out, 65, public_key, crypto_sign_PUBLICKEYBYTES);
}

int firm_key_parse_hex(const char *hex, uint8_t public_key[crypto_sign_PUBLICKEYBYTES])
{
    if (strlen(hex) != 2 * crypto_sign_PUBLICKEYBYTES)
        return -1;
    for (const char *p = hex; *p != '\0'; p++) {
        char c = *p;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return -1;
    }
    size_t len;
    if (sodium_hex2bin(public_key, crypto_sign_PUBLICKEYBYTES, hex, strlen(hex), NULL, &len,
                       NULL) != 0 ||
        len != crypto_sign_PUBLICKEYBYTES)
        return -1;
    return 0;
}
