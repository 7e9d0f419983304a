/* test_zip.c — the zip reader the import uses, on archives built here with
 * zlib (stored and deflated members, folders, a comment after the end
 * record) and on each kind of damage: a flipped data byte (CRC-32), a
 * member bigger than the budget, a size that lies, encryption, an unknown
 * compression, a central directory pointing outside the archive. */
#include "tap.h"
#include "util/zip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

struct member {
    const char *name, *text;
    int method; /* 0 stored, 8 deflated */
};

static unsigned char archive[1 << 16];

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static size_t deflate_raw(const char *in, size_t n, unsigned char *out, size_t cap)
{
    z_stream zs = {0};
    if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return 0;
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    size_t got = zs.total_out;
    deflateEnd(&zs);
    return rc == Z_STREAM_END ? got : 0;
}

/* Builds an archive of `n` members (plus `comment` after the end record)
 * into `archive`; returns its length. */
static size_t build(const struct member *m, int n, const char *comment)
{
    unsigned char central[8192];
    size_t at = 0, cat = 0;
    for (int i = 0; i < n; i++) {
        size_t nlen = strlen(m[i].name), ulen = strlen(m[i].text);
        uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)m[i].text, (uInt)ulen);
        unsigned char *local = archive + at;
        size_t data = at + 30 + nlen, clen;
        if (m[i].method == 8) {
            clen = deflate_raw(m[i].text, ulen, archive + data, sizeof archive - data);
        } else {
            memcpy(archive + data, m[i].text, ulen);
            clen = ulen;
        }
        memset(local, 0, 30);
        put32(local, 0x04034b50);
        put16(local + 8, (unsigned)m[i].method);
        put32(local + 14, crc);
        put32(local + 18, (uint32_t)clen);
        put32(local + 22, (uint32_t)ulen);
        put16(local + 26, (unsigned)nlen);
        memcpy(local + 30, m[i].name, nlen);
        unsigned char *c = central + cat;
        memset(c, 0, 46);
        put32(c, 0x02014b50);
        put16(c + 10, (unsigned)m[i].method);
        put32(c + 16, crc);
        put32(c + 20, (uint32_t)clen);
        put32(c + 24, (uint32_t)ulen);
        put16(c + 28, (unsigned)nlen);
        put32(c + 42, (uint32_t)at);
        memcpy(c + 46, m[i].name, nlen);
        cat += 46 + nlen;
        at = data + clen;
    }
    memcpy(archive + at, central, cat);
    unsigned char *end = archive + at + cat;
    memset(end, 0, 22);
    put32(end, 0x06054b50);
    put16(end + 8, (unsigned)n);
    put16(end + 10, (unsigned)n);
    put32(end + 12, (uint32_t)cat);
    put32(end + 16, (uint32_t)at);
    put16(end + 20, (unsigned)strlen(comment));
    memcpy(end + 22, comment, strlen(comment));
    return at + cat + 22 + strlen(comment);
}

static char seen[1024];

static bool collect(void *arg, const char *name, char *data, size_t len)
{
    (void)arg;
    size_t used = strlen(seen);
    snprintf(seen + used, sizeof seen - used, "%s=%s(%zu);", name, data, len);
    free(data);
    return true;
}

static bool read_all(size_t len, size_t budget, char *err)
{
    seen[0] = '\0';
    err[0] = '\0';
    return zip_each(archive, len, budget, collect, NULL, err, 200);
}

int main(void)
{
    char err[200];
    static const char big[] = "child_id,time,wet,solid\n1,2024-01-01 10:00,True,False\n"
                              "1,2024-01-01 10:00,True,False\n1,2024-01-01 10:00,True,False\n";
    struct member good[] = {
        {"export/child.csv", "first_name\nSam\n", 0},
        {"export/diaperchange.csv", big, 8},
        {"export/", "", 0},
        {"__MACOSX/export/._child.csv", "junk", 0},
        {"export/.DS_Store", "junk", 0},
        {"empty.csv", "", 8},
    };
    size_t len = build(good, 6, "a comment");
    ok(zip_is_archive(archive, len), "an archive starts PK\\3\\4");
    ok(read_all(len, 1 << 20, err), "a stored and a deflated member, folders, a comment: read (%s)",
       err);
    char want[512];
    snprintf(want, sizeof want,
             "child.csv=first_name\nSam\n(15);diaperchange.csv=%s(%zu);empty.csv=(0);", big,
             strlen(big));
    is_str(seen, want,
           "each file by its name without folders, in order; no folders, dot files or forks");

    ok(!read_all(len, strlen(big), err), "a budget smaller than the files: refused");
    ok(strstr(err, "more than the import allows") != NULL, "…saying so (%s)", err);
    is_str(seen, "child.csv=first_name\nSam\n(15);", "…after the files within the budget");

    struct member one[] = {{"note.csv", "text,more text", 0}};
    len = build(one, 1, "");
    archive[30 + 8 + 2] ^= 0x20;
    ok(!read_all(len, 1 << 20, err) && strstr(err, "CRC-32"), "a flipped byte: CRC-32 (%s)", err);

    len = build(one, 1, "");
    put32(archive + len - 22 - 54 + 24, 5); /* the central directory says 5 bytes */
    ok(!read_all(len, 1 << 20, err) && strstr(err, "sizes disagree"),
       "a stored size that lies (%s)", err);

    struct member def[] = {{"note.csv", big, 8}};
    len = build(def, 1, "");
    size_t cd = len - 22 - 54;
    put32(archive + cd + 24, 10);
    ok(!read_all(len, 1 << 20, err) && strstr(err, "stated size"),
       "a deflated member longer than it says (%s)", err);

    len = build(one, 1, "");
    put16(archive + len - 22 - 54 + 8, 1);
    ok(!read_all(len, 1 << 20, err) && strstr(err, "encrypted"), "encryption (%s)", err);

    len = build(one, 1, "");
    put16(archive + len - 22 - 54 + 10, 12);
    ok(!read_all(len, 1 << 20, err) && strstr(err, "compression"), "bzip2 (%s)", err);

    len = build(one, 1, "");
    put32(archive + len - 22 + 16, 60000);
    ok(!read_all(len, 1 << 20, err) && strstr(err, "outside"), "a directory outside (%s)", err);

    len = build(one, 1, "");
    put32(archive + len - 22 - 54 + 42, 60000);
    ok(!read_all(len, 1 << 20, err) && strstr(err, "local header"), "a member outside (%s)", err);

    ok(!read_all(21, 1 << 20, err), "too short for an end record");
    ok(!zip_is_archive((const unsigned char *)"a,b\n", 4), "CSV is no archive");
    len = build(one, 0, "");
    ok(zip_is_archive(archive, len) && read_all(len, 1 << 20, err) && !seen[0],
       "an empty archive: nothing, no error");
    return done_testing();
}
