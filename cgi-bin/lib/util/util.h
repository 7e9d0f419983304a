/* util.h — small helpers every carelog program uses: growable bounded
 * buffers, percent-decoding, clocks, ids and encodings. */
#ifndef CARELOG_UTIL_H
#define CARELOG_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A heap buffer that refuses to grow past `max` bytes, so a hostile input can
 * never make us allocate without bound. `p` is always NUL-terminated. */
struct buf {
    char *p;
    size_t len, cap, max;
    bool oom; /* sticky: set once an append failed; the content is then truncated */
};

void buf_init(struct buf *b, size_t max);
bool buf_append(struct buf *b, const void *data, size_t n);
bool buf_puts(struct buf *b, const char *s);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* JSON written straight into a buffer, for answers made of many rows (an
 * entry page, a sync pull): no tree to build, print and free per row.
 * buf_json_str writes s as a JSON string, escaped as cJSON escapes it
 * (quote, backslash, control characters; UTF-8 passes through). */
bool buf_json_str(struct buf *b, const char *s);
bool buf_json_int(struct buf *b, int64_t v);

/* Percent-decodes `in[0..n)` into `out` (NUL-terminated). With `plus_space`
 * a '+' becomes a space (query strings). Returns the decoded length, or -1 on
 * a malformed escape, an embedded NUL, or when `out` is too small. */
long pct_decode(const char *in, size_t n, char *out, size_t outsz, bool plus_space);

int64_t now_ms(void);  /* wall clock, epoch milliseconds */
int64_t mono_us(void); /* monotonic clock, microseconds */

/* Lower-case hyphenated UUID text (any version), 36 characters. */
bool uuid_is_valid(const char *s);
/* A new random UUID v4 (server-made ids) into out[37]. */
void uuid_v4(char out[37]);

/* Epoch-ms timestamps we accept: 2000-01-01 .. 2200-01-01. */
bool epoch_ms_is_plausible(int64_t ms);

/* Formats epoch ms as RFC 3339 UTC ("2026-11-23T06:30:00.123Z") into out[32]. */
void format_rfc3339_ms(int64_t ms, char out[32]);

/* Constant-time string equality for secrets. */
bool secret_equals(const char *a, const char *b);

/* Lowercase hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);

/* Case-insensitive ASCII comparisons that do not depend on the locale. */
bool ascii_ieq(const char *a, const char *b);
bool ascii_nieq(const char *a, const char *b, size_t n);

/* Parses a whole decimal int64 string; false on junk, overflow or empty. */
bool parse_int64(const char *s, int64_t *out);

/* base64url without padding (RFC 4648 §5), as JWTs and Web Push keys use it.
 * b64url_len: characters for n bytes, without the NUL. b64url_encode writes
 * them NUL-terminated; false when `outsz` is too small. b64url_decode takes
 * exactly `inlen` characters and is strict: false on padding, whitespace, a
 * foreign character, non-zero trailing bits, or when `outsz` is too small. */
size_t b64url_len(size_t n);
bool b64url_encode(const unsigned char *in, size_t n, char *out, size_t outsz);
bool b64url_decode(const char *in, size_t inlen, unsigned char *out, size_t outsz, size_t *outlen);

#endif
