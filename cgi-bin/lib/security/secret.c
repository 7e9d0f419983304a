/* secret.c — server key, tokens and keyed hashes (libsodium). */
#include "security/secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "util/util.h"

/* Written once by secret_init before any thread starts; read-only after. */
static unsigned char server_key[crypto_auth_hmacsha256_KEYBYTES];

static bool read_key(const char *path, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "cannot open %s: %s", path, strerror(errno));
        return false;
    }
    ssize_t n = read(fd, server_key, sizeof server_key);
    close(fd);
    if (n != (ssize_t)sizeof server_key) {
        snprintf(err, errsz, "%s is not a %zu-byte key", path, sizeof server_key);
        return false;
    }
    return true;
}

static bool create_key(const char *path, char *err, size_t errsz)
{
    unsigned char key[sizeof server_key];
    randombytes_buf(key, sizeof key);
    char tmp[4200];
    int len = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof tmp) {
        snprintf(err, errsz, "DATA_DIR is too long");
        return false;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errsz, "cannot create %s: %s", tmp, strerror(errno));
        return false;
    }
    bool ok = write(fd, key, sizeof key) == (ssize_t)sizeof key && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    sodium_memzero(key, sizeof key);
    /* link() fails with EEXIST when another process won the race: then its key
     * is the one everybody uses. */
    if (ok && link(tmp, path) != 0 && errno != EEXIST)
        ok = false;
    unlink(tmp);
    if (!ok)
        snprintf(err, errsz, "cannot write %s", path);
    return ok;
}

bool secret_init(const char *data_dir, char *err, size_t errsz)
{
    if (sodium_init() < 0) {
        snprintf(err, errsz, "libsodium failed to initialise");
        return false;
    }
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/server.key", data_dir);
    if (n < 0 || (size_t)n >= sizeof path) {
        snprintf(err, errsz, "DATA_DIR is too long");
        return false;
    }
    if (access(path, F_OK) != 0) {
        if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errsz, "cannot create %s: %s", data_dir, strerror(errno));
            return false;
        }
        if (!create_key(path, err, errsz))
            return false;
    }
    return read_key(path, err, errsz);
}

void token_new(char out[TOKEN_LEN + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    b64url_encode(raw, sizeof raw, out, TOKEN_LEN + 1);
}

void token_hash(const char *token, char out[HASH_HEX_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    hex_encode(h, sizeof h, out);
}

void keyed_hash(const char *purpose, const char *value, char out[HASH_HEX_LEN + 1])
{
    crypto_generichash_state st;
    unsigned char h[32];
    crypto_generichash_init(&st, server_key, sizeof server_key, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)purpose, strlen(purpose) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, h, sizeof h);
    hex_encode(h, sizeof h, out);
}

void csrf_for_session(const char *session_id, char out[TOKEN_LEN + 1])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, server_key, sizeof server_key);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"csrf:", 5);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)session_id, strlen(session_id));
    crypto_auth_hmacsha256_final(&st, mac);
    b64url_encode(mac, sizeof mac, out, TOKEN_LEN + 1);
}
