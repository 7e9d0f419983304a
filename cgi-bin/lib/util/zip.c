/* zip.c — the zip reader of zip.h. The central directory is the truth (a
 * member's local header may lie about sizes when a data descriptor
 * follows); every offset and length read from the archive is checked
 * against the buffer before use, and every member's CRC-32 is checked
 * after inflating, so a damaged archive is an error, never a wrong file. */
#include "util/zip.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define SIG_LOCAL    0x04034b50u
#define SIG_CENTRAL  0x02014b50u
#define SIG_END      0x06054b50u
#define END_SIZE     22
#define CENTRAL_SIZE 46
#define LOCAL_SIZE   30
#define MAX_COMMENT  0xffff
#define MAX_NAME     255

static uint16_t u16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool zip_is_archive(const unsigned char *buf, size_t len)
{
    return len >= 4 && buf[0] == 'P' && buf[1] == 'K' &&
           ((buf[2] == 3 && buf[3] == 4) || (buf[2] == 5 && buf[3] == 6));
}

/* The end-of-central-directory record: the last signature that sits
 * exactly a comment's length before the end. */
static const unsigned char *find_end(const unsigned char *buf, size_t len)
{
    if (len < END_SIZE)
        return NULL;
    size_t lowest = len - END_SIZE > MAX_COMMENT ? len - END_SIZE - MAX_COMMENT : 0;
    for (size_t at = len - END_SIZE + 1; at-- > lowest;) {
        const unsigned char *p = buf + at;
        if (u32(p) == SIG_END && at + END_SIZE + u16(p + 20) == len)
            return p;
    }
    return NULL;
}

/* The member's name without its folders, or NULL when it is not a file to
 * hand over (a directory, a dot file, macOS's resource forks). */
static const char *file_name(const unsigned char *raw, size_t n, char out[MAX_NAME + 1])
{
    if (n == 0 || n > MAX_NAME || memchr(raw, '\0', n) || raw[n - 1] == '/')
        return NULL;
    memcpy(out, raw, n);
    out[n] = '\0';
    if (strncmp(out, "__MACOSX/", 9) == 0)
        return NULL;
    const char *base = strrchr(out, '/');
    base = base ? base + 1 : out;
    return *base && *base != '.' ? base : NULL;
}

/* Inflates (or copies) one member into a fresh buffer of exactly usize
 * bytes plus a NUL, checking its size and CRC-32. */
static char *member_bytes(const unsigned char *data, uint32_t csize, uint32_t usize, int method,
                          uint32_t crc, const char **why)
{
    char *out = malloc((size_t)usize + 1);
    if (!out) {
        *why = "out of memory";
        return NULL;
    }
    if (method == 0) {
        if (csize != usize) {
            *why = "a stored member's sizes disagree";
            free(out);
            return NULL;
        }
        memcpy(out, data, usize);
    } else {
        z_stream zs = {0};
        if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
            *why = "cannot start inflating";
            free(out);
            return NULL;
        }
        zs.next_in = (Bytef *)data;
        zs.avail_in = csize;
        zs.next_out = (Bytef *)out;
        zs.avail_out = usize;
        int rc = inflate(&zs, Z_FINISH);
        bool whole = rc == Z_STREAM_END && zs.total_out == usize;
        inflateEnd(&zs);
        if (!whole) {
            *why = "a member does not inflate to its stated size";
            free(out);
            return NULL;
        }
    }
    if ((uint32_t)crc32(0L, (const Bytef *)out, usize) != crc) {
        *why = "a member's CRC-32 does not match";
        free(out);
        return NULL;
    }
    out[usize] = '\0';
    return out;
}

static bool fail(char *err, size_t errsz, const char *why, const char *name)
{
    if (name)
        snprintf(err, errsz, "%s: %s", name, why);
    else
        snprintf(err, errsz, "%s", why);
    return false;
}

bool zip_each(const unsigned char *buf, size_t len, size_t budget, zip_visit fn, void *arg,
              char *err, size_t errsz)
{
    const unsigned char *end = find_end(buf, len);
    if (!end)
        return fail(err, errsz, "not a zip archive (no end of central directory)", NULL);
    uint16_t count = u16(end + 10);
    uint32_t cd_size = u32(end + 12), cd_off = u32(end + 16);
    if (u16(end + 4) != 0 || u16(end + 6) != 0 || u16(end + 8) != count)
        return fail(err, errsz, "multi-part archives are not read", NULL);
    if (count == 0xffff || cd_off == 0xffffffffu || cd_size == 0xffffffffu)
        return fail(err, errsz, "zip64 archives are not read", NULL);
    if (count > ZIP_MAX_MEMBERS)
        return fail(err, errsz, "more than 1000 members", NULL);
    if ((size_t)cd_off + cd_size > (size_t)(end - buf))
        return fail(err, errsz, "the central directory lies outside the archive", NULL);

    const unsigned char *p = buf + cd_off, *cd_end = p + cd_size;
    size_t left = budget;
    for (uint16_t i = 0; i < count; i++) {
        if ((size_t)(cd_end - p) < CENTRAL_SIZE || u32(p) != SIG_CENTRAL)
            return fail(err, errsz, "the central directory is damaged", NULL);
        uint16_t flags = u16(p + 8), method = u16(p + 10);
        uint32_t crc = u32(p + 16), csize = u32(p + 20), usize = u32(p + 24);
        uint16_t nlen = u16(p + 28), xlen = u16(p + 30), clen = u16(p + 32);
        uint32_t local = u32(p + 42);
        const unsigned char *raw_name = p + CENTRAL_SIZE;
        if ((size_t)(cd_end - raw_name) < (size_t)nlen + xlen + clen)
            return fail(err, errsz, "the central directory is damaged", NULL);
        p = raw_name + nlen + xlen + clen;

        char namebuf[MAX_NAME + 1];
        const char *name = file_name(raw_name, nlen, namebuf);
        if (!name)
            continue;
        if (flags & 1)
            return fail(err, errsz, "is encrypted", name);
        if (method != 0 && method != 8)
            return fail(err, errsz, "uses a compression other than deflate", name);
        if (csize == 0xffffffffu || usize == 0xffffffffu || local == 0xffffffffu)
            return fail(err, errsz, "zip64 members are not read", name);
        if (usize > left)
            return fail(err, errsz, "the archive inflates to more than the import allows", name);
        if ((size_t)local + LOCAL_SIZE > len || u32(buf + local) != SIG_LOCAL)
            return fail(err, errsz, "its local header is missing", name);
        size_t data = (size_t)local + LOCAL_SIZE + u16(buf + local + 26) + u16(buf + local + 28);
        if (data > len || len - data < csize)
            return fail(err, errsz, "its data lies outside the archive", name);

        const char *why = NULL;
        char *bytes = member_bytes(buf + data, csize, usize, method, crc, &why);
        if (!bytes)
            return fail(err, errsz, why, name);
        left -= usize;
        if (!fn(arg, name, bytes, usize))
            return true;
    }
    return true;
}
