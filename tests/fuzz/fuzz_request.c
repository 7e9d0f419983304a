/* fuzz_request.c — libFuzzer target for the request parsers every program
 * runs on untrusted input: percent-decoding, query and cookie lookup, the
 * JSON Content-Type check, Content-Length parsing and route matching over a
 * route table shaped like the programs' own. The input is split on '\n' into
 * fields (method, path, query, query name, cookie header, cookie name,
 * content type, content length, pattern); each field goes into its own
 * exactly-sized heap copy so ASan sees any read past its end. Besides memory
 * errors, the target aborts when a result breaks its documented contract. */
#include <string.h>

#include "fuzz.h"
#include "framework/http.h"
#include "framework/route.h"
#include "util/util.h"

enum { F_METHOD, F_PATH, F_QUERY, F_QNAME, F_COOKIE, F_CNAME, F_CTYPE, F_CLEN, F_PATTERN, NF };

static void noop(struct request *r)
{
    (void)r;
}

/* Shaped like the programs' tables: literals, captures, shared prefixes, the
 * same path under several methods (405 + Allow). */
static const struct route routes[] = {
    {"GET", "/health", noop, ACCESS_PUBLIC, 0},
    {"GET", "/api/v1/hello", noop, ACCESS_PUBLIC, 0},
    {"POST", "/api/v1/auth/login", noop, ACCESS_PUBLIC, ROUTE_JSON},
    {"GET", "/api/v1/families", noop, ACCESS_ACCOUNT, 0},
    {"POST", "/api/v1/families", noop, ACCESS_ACCOUNT, ROUTE_JSON},
    {"GET", "/api/v1/families/{fid}", noop, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}", noop, ACCESS_OWNER, ROUTE_JSON},
    {"DELETE", "/api/v1/families/{fid}", noop, ACCESS_OWNER, 0},
    {"GET", "/api/v1/families/{fid}/entries", noop, ACCESS_VIEWER, 0},
    {"PUT", "/api/v1/families/{fid}/entries/{eid}", noop, ACCESS_CAREGIVER, ROUTE_JSON},
    {"DELETE", "/api/v1/families/{fid}/entries/{eid}", noop, ACCESS_CAREGIVER, 0},
    {"GET", "/api/v1/families/{fid}/people/{pid}/summary/{day}", noop, ACCESS_VIEWER, 0},
    {"GET", "/api/v1/{a}/{b}/{c}/{d}/{e}", noop, ACCESS_PUBLIC, 0}, /* more captures than fit */
};

/* An exactly-sized NUL-terminated copy of one field (embedded NULs kept). */
struct field {
    char *s;
    size_t len;
};

static void split_fields(const uint8_t *data, size_t size, struct field f[NF])
{
    size_t start = 0;
    for (int i = 0; i < NF; i++) {
        size_t end = start;
        while (end < size && data[end] != '\n')
            end++;
        size_t len = start < size ? end - start : 0;
        f[i].s = malloc(len + 1);
        if (!f[i].s)
            abort();
        if (len)
            memcpy(f[i].s, data + start, len);
        f[i].s[len] = '\0';
        f[i].len = len;
        start = end + 1;
    }
}

/* pct_decode into an exactly-sized buffer: -1, or a length below outsz
 * with the text NUL-terminated and free of NULs. */
static void fuzz_pct_decode(const struct field *f, size_t outsz, bool plus_space)
{
    char *out = malloc(outsz ? outsz : 1);
    if (!out)
        abort();
    long n = pct_decode(f->s, f->len, out, outsz, plus_space);
    CHECK(n >= -1);
    if (n >= 0) {
        CHECK((size_t)n < outsz && (size_t)n <= f->len);
        CHECK(out[n] == '\0' && strlen(out) == (size_t)n);
    }
    free(out);
}

static void fuzz_query(const struct field *q, const struct field *name)
{
    /* As req_query sizes it: the whole query always fits. */
    size_t sizes[] = {q->len + 1, q->len / 2 + 1, 1};
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        char *out = malloc(sizes[i]);
        if (!out)
            abort();
        int rc = query_lookup(q->s, name->s, out, sizes[i]);
        CHECK(rc >= -1 && rc <= 1);
        if (rc == 1)
            CHECK(strlen(out) < sizes[i]);
        if (i == 0 && rc == -1) /* with room for all of it, -1 means a bad escape */
            CHECK(strchr(q->s, '%') != NULL);
        free(out);
    }
}

static void fuzz_cookie(const struct field *h, const struct field *name)
{
    size_t sizes[] = {h->len + 1, 8, 1};
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++) {
        char *out = malloc(sizes[i]);
        if (!out)
            abort();
        if (cookie_lookup(h->s, name->s, out, sizes[i]))
            CHECK(strlen(out) < sizes[i] && strlen(out) <= strlen(h->s));
        free(out);
    }
}

static void check_captures(const char *path, const struct route_capture *caps, int n, int max)
{
    size_t plen = strlen(path);
    CHECK(n >= 0 && n <= max);
    for (int i = 0; i < n; i++) {
        CHECK(caps[i].value >= path && caps[i].value + caps[i].value_len <= path + plen);
        CHECK(caps[i].value_len > 0 && !memchr(caps[i].value, '/', caps[i].value_len));
        /* What the dispatcher does next with each capture. */
        char param[REQ_PARAM_MAX];
        long d = pct_decode(caps[i].value, caps[i].value_len, param, sizeof param, false);
        if (d >= 0)
            CHECK(strlen(param) == (size_t)d);
    }
}

static void fuzz_routes(const struct field *method, const struct field *path)
{
    for (int max = 0; max <= REQ_MAX_PARAMS; max++) {
        struct route_capture caps[REQ_MAX_PARAMS];
        int ncaps = 0;
        bool path_known = true;
        char allow[64];
        const struct route *rt = route_find(routes, ARRAY_LEN(routes), method->s, path->s, caps,
                                            max, &ncaps, &path_known, allow, sizeof allow);
        CHECK(strlen(allow) < sizeof allow);
        if (rt) {
            CHECK(rt >= routes && rt < routes + ARRAY_LEN(routes));
            check_captures(path->s, caps, ncaps, max);
        } else if (!path_known) {
            CHECK(allow[0] == '\0');
        } else {
            CHECK(allow[0] != '\0');
        }
    }
    /* A one-byte Allow buffer must still be left terminated. */
    struct route_capture caps[REQ_MAX_PARAMS];
    int ncaps = 0;
    bool known = false;
    char tiny[1];
    route_find(routes, ARRAY_LEN(routes), method->s, path->s, caps, REQ_MAX_PARAMS, &ncaps, &known,
               tiny, sizeof tiny);
    CHECK(tiny[0] == '\0');
}

/* Patterns are ours, not the client's, but a malformed one (an unclosed
 * '{') must still fail cleanly rather than read astray. */
static void fuzz_pattern(const struct field *pattern, const struct field *path)
{
    struct route_capture caps[REQ_MAX_PARAMS];
    int ncaps = 0;
    if (route_match(pattern->s, path->s, caps, REQ_MAX_PARAMS, &ncaps))
        check_captures(path->s, caps, ncaps, REQ_MAX_PARAMS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct field f[NF];
    split_fields(data, size, f);

    fuzz_pct_decode(&f[F_PATH], f[F_PATH].len + 1, false);
    fuzz_pct_decode(&f[F_QUERY], f[F_QUERY].len + 1, true);
    fuzz_pct_decode(&f[F_QUERY], f[F_QUERY].len / 2, true);
    fuzz_pct_decode(&f[F_PATH], 0, false);
    fuzz_query(&f[F_QUERY], &f[F_QNAME]);
    fuzz_cookie(&f[F_COOKIE], &f[F_CNAME]);

    bool json = content_type_is_json(f[F_CTYPE].s);
    if (json)
        CHECK(strlen(f[F_CTYPE].s) >= 16 && ascii_nieq(f[F_CTYPE].s, "application/json", 16));

    int64_t clen = 0;
    if (parse_int64(f[F_CLEN].s, &clen))
        CHECK(clen >= 0 || f[F_CLEN].s[0] == '-');

    fuzz_routes(&f[F_METHOD], &f[F_PATH]);
    fuzz_pattern(&f[F_PATTERN], &f[F_PATH]);

    for (int i = 0; i < NF; i++)
        free(f[i].s);
    return 0;
}
