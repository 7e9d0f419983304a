/* tar.c — a minimal ustar writer and reader for carelogctl's backups (see
 * tar.h). Sizes past ustar's 11 octal digits (8 GiB) use GNU tar's base-256
 * form, which GNU tar and bsdtar read. */
#include "tar.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define COPY_CHUNK (64 * 1024)

bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

long long read_full(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long long)got;
}

/* An octal field of `len` bytes: digits, then NUL. */
static void put_octal(char *field, size_t len, uint64_t v)
{
    field[len - 1] = '\0';
    for (size_t i = len - 1; i-- > 0;) {
        field[i] = (char)('0' + (v & 7));
        v >>= 3;
    }
}

static bool header(int out_fd, const char *name, uint64_t size, int64_t mtime, char *err,
                   size_t errsz)
{
    size_t nlen = strlen(name);
    if (nlen == 0 || nlen > TAR_NAME_MAX) {
        snprintf(err, errsz, "tar: member name '%s' does not fit", name);
        return false;
    }
    unsigned char h[TAR_BLOCK];
    memset(h, 0, sizeof h);
    memcpy(h, name, nlen);
    put_octal((char *)h + 100, 8, 0600);
    put_octal((char *)h + 108, 8, 0);
    put_octal((char *)h + 116, 8, 0);
    if (size < (1ULL << 33)) {
        put_octal((char *)h + 124, 12, size);
    } else { /* GNU base-256: a set top bit, then the value big-endian */
        h[124] = 0x80;
        for (int i = 11; i >= 4; i--) {
            h[124 + i] = (unsigned char)(size & 0xff);
            size >>= 8;
        }
    }
    put_octal((char *)h + 136, 12, mtime > 0 ? (uint64_t)mtime : 0);
    h[156] = '0';
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    memcpy(h + 265, "carelog", 7);
    memcpy(h + 297, "carelog", 7);
    /* The checksum is taken with its own field counted as spaces. */
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof h; i++)
        sum += h[i];
    put_octal((char *)h + 148, 7, sum);
    h[155] = ' ';
    if (!write_all(out_fd, h, sizeof h)) {
        snprintf(err, errsz, "tar: write: %s", strerror(errno));
        return false;
    }
    return true;
}

static bool pad(int out_fd, uint64_t size, char *err, size_t errsz)
{
    static const char zeros[TAR_BLOCK];
    size_t rest = (size_t)(size % TAR_BLOCK);
    if (rest && !write_all(out_fd, zeros, TAR_BLOCK - rest)) {
        snprintf(err, errsz, "tar: write: %s", strerror(errno));
        return false;
    }
    return true;
}

bool tar_add_fd(int out_fd, const char *name, int in_fd, uint64_t size, int64_t mtime,
                crypto_hash_sha256_state *h, char *err, size_t errsz)
{
    if (!header(out_fd, name, size, mtime, err, errsz))
        return false;
    static char chunk[COPY_CHUNK];
    uint64_t left = size;
    while (left > 0) {
        size_t want = left < sizeof chunk ? (size_t)left : sizeof chunk;
        long long got = read_full(in_fd, chunk, want);
        if (got != (long long)want) {
            snprintf(err, errsz, "tar: %s: %s", name,
                     got < 0 ? strerror(errno) : "changed size while being read");
            return false;
        }
        if (h)
            crypto_hash_sha256_update(h, (unsigned char *)chunk, want);
        if (!write_all(out_fd, chunk, want)) {
            snprintf(err, errsz, "tar: write: %s", strerror(errno));
            return false;
        }
        left -= want;
    }
    return pad(out_fd, size, err, errsz);
}

bool tar_add_mem(int out_fd, const char *name, const void *data, size_t size, int64_t mtime,
                 crypto_hash_sha256_state *h, char *err, size_t errsz)
{
    if (!header(out_fd, name, size, mtime, err, errsz))
        return false;
    if (h)
        crypto_hash_sha256_update(h, data, size);
    if (!write_all(out_fd, data, size)) {
        snprintf(err, errsz, "tar: write: %s", strerror(errno));
        return false;
    }
    return pad(out_fd, size, err, errsz);
}

bool tar_finish(int out_fd, char *err, size_t errsz)
{
    static const char zeros[2 * TAR_BLOCK];
    if (!write_all(out_fd, zeros, sizeof zeros)) {
        snprintf(err, errsz, "tar: write: %s", strerror(errno));
        return false;
    }
    return true;
}

/* An octal field (spaces or NULs around the digits), or GNU base-256. */
static bool get_number(const unsigned char *f, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] & 0x80) {
        if (f[0] != 0x80)
            return false; /* negative, or more than 63 bits */
        for (size_t i = 1; i < len; i++) {
            if (v >> 55)
                return false;
            v = (v << 8) | f[i];
        }
        *out = v;
        return true;
    }
    size_t i = 0;
    while (i < len && f[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
        if (v >> 60)
            return false;
        v = (v << 3) | (uint64_t)(f[i] - '0');
    }
    for (; i < len; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return false;
    *out = v;
    return digits > 0;
}

static bool all_zero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

int tar_next(int fd, struct tar_entry *e, char *err, size_t errsz)
{
    unsigned char h[TAR_BLOCK];
    long long got = read_full(fd, h, sizeof h);
    if (got != (long long)sizeof h) {
        snprintf(err, errsz, "tar: %s", got < 0 ? strerror(errno) : "the archive is truncated");
        return -1;
    }
    if (all_zero(h, sizeof h))
        return 0;
    if (memcmp(h + 257, "ustar", 5) != 0) {
        snprintf(err, errsz, "not a tar archive (ustar) nor an SQLite database");
        return -1;
    }
    uint64_t stored = 0;
    if (!get_number(h + 148, 8, &stored)) {
        snprintf(err, errsz, "tar: a header has no checksum");
        return -1;
    }
    unsigned sum = 0;
    for (size_t i = 0; i < sizeof h; i++)
        sum += (i >= 148 && i < 156) ? ' ' : h[i];
    if (sum != stored) {
        snprintf(err, errsz, "tar: a header's checksum is wrong (a damaged archive)");
        return -1;
    }
    /* A name in the prefix field is one carelog never writes: it is kept
     * visible (prefix/name) so the caller refuses it as unknown. */
    char prefix[156];
    memcpy(prefix, h + 345, 155);
    prefix[155] = '\0';
    char name[TAR_NAME_MAX + 1];
    memcpy(name, h, TAR_NAME_MAX);
    name[TAR_NAME_MAX] = '\0';
    if (prefix[0] && memcmp(h + 257, "ustar\0", 6) == 0) {
        size_t pl = strlen(prefix), nl = strlen(name);
        if (pl + 1 + nl > TAR_NAME_MAX) {
            snprintf(e->name, sizeof e->name, "(a long name)");
        } else {
            memcpy(e->name, prefix, pl);
            e->name[pl] = '/';
            memcpy(e->name + pl + 1, name, nl + 1);
        }
    } else {
        snprintf(e->name, sizeof e->name, "%s", name);
    }
    if (!get_number(h + 124, 12, &e->size) || e->size > (1ULL << 62)) {
        snprintf(err, errsz, "tar: %s: a bad size", e->name);
        return -1;
    }
    e->type = h[156] ? (char)h[156] : '0';
    return 1;
}

bool tar_read_data(int fd, const struct tar_entry *e, int out_fd, crypto_hash_sha256_state *h,
                   char *err, size_t errsz)
{
    static unsigned char chunk[COPY_CHUNK];
    uint64_t left = (e->size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK, data = e->size;
    while (left > 0) {
        size_t want = left < sizeof chunk ? (size_t)left : sizeof chunk;
        long long got = read_full(fd, chunk, want);
        if (got != (long long)want) {
            snprintf(err, errsz, "tar: %s: %s", e->name,
                     got < 0 ? strerror(errno) : "the archive is truncated");
            return false;
        }
        size_t use = data < want ? (size_t)data : want;
        if (h && use)
            crypto_hash_sha256_update(h, chunk, use);
        if (out_fd >= 0 && use && !write_all(out_fd, chunk, use)) {
            snprintf(err, errsz, "%s: write: %s", e->name, strerror(errno));
            return false;
        }
        data -= use;
        left -= want;
    }
    return true;
}
