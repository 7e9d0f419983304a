/* fuzz_handlers.c — libFuzzer target over every program's route table: each
 * input becomes one request that goes through the real dispatcher
 * (handle_request: routing, body limits, access checks, JSON parsing) into
 * the real handler, against a temporary SQLite database that holds a signed-in
 * owner (ana) of one family, a viewer (vic) of it, an owner (oto) of another
 * family, the instance admin and a consultant (con) assigned to oto's family
 * only; ana, vic and oto also hold personal API tokens, sent (as
 * Authorization) with every request of theirs, for the Baby Buddy-compatible
 * routes. The parser fuzzers never see what a `[null]`
 * does once a handler holds it; this one does.
 *
 * Input layout: byte 0 picks the program, byte 1 the route, byte 2 who asks
 * (bits 0-2), whether the CSRF header is left out (bit 3), and whether the
 * method is swapped for another (bit 4, method from bits 5-7); byte 3 picks,
 * two bits per {capture}, its value: this family's id, the other family's,
 * a fresh UUID or the text of line 1. The rest is "capture text \n query \n
 * body". Half the inputs (by a hash of the input, so a crash replays) get
 * one value of their JSON body swapped for a value of another kind (null
 * for an object, [] for a string...): byte mutations rarely make such a
 * swap and still parse. The seeds (tests/fuzz/seeds/fuzz_handlers) name their route
 * instead, so they stay right as tables grow: a first line
 * "@METHOD /pattern WHO FLAGS MODES [NODE KIND]" stands for the bytes
 * (NODE > 0 and KIND choose the swap: value NODE - 1, hostile[KIND]) (the
 * fuzzer's mutations of it fall back to the bytes). In the query and body, $F1 $F2 $S1 $S2 $E1 $E2
 * $M2 $U and $NOW become real ids (family, subject, entry; vic's member id; a new UUID; now in ms),
 * so the fuzzer reaches past "no such thing".
 *
 * Besides memory errors and undefined behaviour, it aborts when an answer
 * breaks a promise: a 500, a JSON answer that does not parse or lacks
 * error.code, another family's data in an answer, a non-public route served
 * without a session, a viewer's write that is not 403, another family's id
 * that is not 404, a write with a viewer's API token that is not 403, a
 * token route answering a caller without a token other than 401, a console
 * route (/api/v1/admin/) that answers a non-staff
 * caller other than 403, an unassigned client that is not 404 to the
 * consultant, an admin-only route that is not 403 to the consultant. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "data/catalogue.h"
#include "framework/access.h"
#include "framework/config.h"
#include "fuzz.h"
#include "framework/http.h"
#include "framework/log.h"
#include "framework/server.h"
#include "security/secret.h"

/* Every program of cgi-bin/: the Makefile passes CARELOG_PROGRAM_LIST as
 * X(auth) X(entries) ... from the same list it builds. */
#define X(name) extern const struct program name##_program;
CARELOG_PROGRAM_LIST
#undef X
#define X(name) &name##_program,
static const struct program *const programs[] = {CARELOG_PROGRAM_LIST};
#undef X
#define NPROGRAMS (sizeof programs / sizeof programs[0])

enum who { ANON, ANA, VIC, OTO, ADM, CON, NWHO };
#define HEAD 4 /* header bytes of a binary input */
static const char *const emails[NWHO] = {NULL,
                                         "ana@fuzz.example",
                                         "vic@fuzz.example",
                                         "oto@fuzz.example",
                                         "adm@fuzz.example",
                                         "con@fuzz.example"};

static struct {
    char cookie[NWHO][128]; /* "carelog_session=..." */
    char token[NWHO][64];   /* "Token ...": ana's, vic's and oto's API tokens (babybuddy.c) */
    char csrf[NWHO][96];
    char fid1[37], fid2[37], sid1[37], sid2[37], eid1[37], eid2[37], vic_member[37];
    /* Text only ana's family holds; no other caller may ever see it. */
    char secret[40];
    struct worker worker;
} fx;

/* ---------- one request through the dispatcher ---------- */

struct answer {
    int status;
    struct buf raw; /* CGI-style head and body as the program wrote them */
    const char *body;
};

static void env_add(char **envp, int *n, const char *name, const char *value)
{
    if (!value)
        return;
    size_t len = strlen(name) + strlen(value) + 2;
    char *kv = malloc(len);
    if (!kv)
        abort();
    snprintf(kv, len, "%s=%s", name, value);
    envp[(*n)++] = kv;
}

static void run(const struct program *p, const char *method, const char *uri, const char *body,
                size_t body_len, enum who who, bool csrf, struct answer *a)
{
    char *envp[16];
    int n = 0;
    char clen[24];
    snprintf(clen, sizeof clen, "%zu", body_len);
    const char *q = strchr(uri, '?');
    env_add(envp, &n, "REQUEST_METHOD", method);
    env_add(envp, &n, "REQUEST_URI", uri);
    env_add(envp, &n, "QUERY_STRING", q ? q + 1 : "");
    env_add(envp, &n, "REMOTE_ADDR", "192.0.2.7");
    env_add(envp, &n, "HTTP_HOST", "carelog.test");
    if (body) {
        env_add(envp, &n, "CONTENT_TYPE", "application/json");
        env_add(envp, &n, "CONTENT_LENGTH", clen);
    }
    if (who != ANON) {
        env_add(envp, &n, "HTTP_COOKIE", fx.cookie[who]);
        if (fx.token[who][0]) /* only ACCESS_TOKEN routes read it */
            env_add(envp, &n, "HTTP_AUTHORIZATION", fx.token[who]);
        if (csrf)
            env_add(envp, &n, "HTTP_X_CSRF_TOKEN", fx.csrf[who]);
    }
    envp[n] = NULL;
    buf_init(&a->raw, 64 << 20);
    struct request r = {.envp = envp,
                        .worker = &fx.worker,
                        .mem_body = body ? body : "",
                        .mem_body_len = body_len,
                        .sink = &a->raw};
    handle_request(p, &r);
    a->status = r.status;
    buf_append(&a->raw, "", 1); /* NUL-terminate */
    const char *sep = a->raw.p ? strstr(a->raw.p, "\r\n\r\n") : NULL;
    a->body = sep ? sep + 4 : "";
    for (int i = 0; i < n; i++)
        free(envp[i]);
}

static void answer_free(struct answer *a)
{
    buf_free(&a->raw);
}

static const cJSON *json_at(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

/* ---------- the fixture, built through the handlers themselves ---------- */

static void must(bool cond, const char *what, const struct answer *a)
{
    if (!cond) {
        fprintf(stderr, "fuzz_handlers setup: %s failed: %d %s\n", what, a ? a->status : 0,
                a && a->body ? a->body : "");
        abort();
    }
}

/* Runs a setup request and copies a string field of its JSON answer. */
static void setup_call(const struct program *p, const char *method, const char *uri,
                       const char *body, enum who who, const char *field, char *out, size_t outsz)
{
    struct answer a;
    run(p, method, uri, body, body ? strlen(body) : 0, who, true, &a);
    must(a.status >= 200 && a.status < 300, uri, &a);
    if (field) {
        cJSON *j = cJSON_Parse(a.body);
        const cJSON *v = json_at(j, field);
        must(cJSON_IsString(v), field, &a);
        snprintf(out, outsz, "%s", v->valuestring);
        cJSON_Delete(j);
    }
    answer_free(&a);
}

static void sign_up(enum who who)
{
    char body[256];
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"password-%d\",\"name\":\"P%d\"}",
             emails[who], who, who);
    struct answer a;
    run(&auth_program, "POST", "/api/v1/auth/register", body, strlen(body), ANON, false, &a);
    must(a.status == 201, "register", &a);
    const char *c = strstr(a.raw.p, "carelog_session=");
    must(c != NULL, "session cookie", &a);
    size_t len = strcspn(c, ";\r\n");
    snprintf(fx.cookie[who], sizeof fx.cookie[who], "%.*s", (int)len, c);
    cJSON *j = cJSON_Parse(a.body);
    const cJSON *t = json_at(j, "csrf_token");
    must(cJSON_IsString(t), "csrf_token", &a);
    snprintf(fx.csrf[who], sizeof fx.csrf[who], "%s", t->valuestring);
    cJSON_Delete(j);
    answer_free(&a);
}

static void new_uuid(char out[37])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

/* A family with a person and one entry, owned by `who`. */
static void family_of(enum who who, const char *name, char *fid, char *sid, char *eid)
{
    char uri[256], body[512];
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"timezone\":\"Europe/Paris\"}", name);
    setup_call(&families_program, "POST", "/api/v1/families", body, who, "id", fid, 37);
    snprintf(uri, sizeof uri, "/api/v1/families/%s/subjects", fid);
    snprintf(body, sizeof body, "{\"name\":\"%s child\",\"kind\":\"baby\"}", name);
    setup_call(&families_program, "POST", uri, body, who, "id", sid, 37);
    new_uuid(eid);
    snprintf(uri, sizeof uri, "/api/v1/families/%s/entries/%s", fid, eid);
    long long now = (long long)now_ms();
    snprintf(body, sizeof body,
             "{\"subject_id\":\"%s\",\"type\":\"note\",\"ts\":%lld,\"updated_at\":%lld,"
             "\"value\":{\"text\":\"%s note\"}}",
             sid, now, now, name);
    setup_call(&entries_program, "PUT", uri, body, who, NULL, NULL, 0);
}

static void build_fixture(void)
{
    for (enum who w = ANA; w < NWHO; w++)
        sign_up(w);
    struct db *d = worker_db(&fx.worker);
    must(d != NULL, "database", NULL);
    char sql[512];
    snprintf(sql, sizeof sql, "UPDATE users SET is_admin = 1 WHERE email = '%s'", emails[ADM]);
    must(sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK, "admin", NULL);

    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    snprintf(fx.secret, sizeof fx.secret, "Secret%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    family_of(ANA, fx.secret, fx.fid1, fx.sid1, fx.eid1);
    family_of(OTO, "Other", fx.fid2, fx.sid2, fx.eid2);

    /* vic joins ana's family as a viewer (through SQL: the join flow is a
     * page and a form, tested over HTTP elsewhere). */
    new_uuid(fx.vic_member);
    snprintf(sql, sizeof sql,
             "INSERT INTO members (id, family_id, user_id, role, created_at) "
             "SELECT '%s', '%s', id, 'viewer', 0 FROM users WHERE email = '%s'",
             fx.vic_member, fx.fid1, emails[VIC]);
    must(sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK, "viewer", NULL);
    /* con is a consultant of the console, assigned to oto's family alone. */
    snprintf(sql, sizeof sql,
             "UPDATE users SET is_consultant = 1 WHERE email = '%s';"
             "INSERT INTO client_assignments (family_id, user_id, created_at) "
             "SELECT '%s', id, 0 FROM users WHERE email = '%s'",
             emails[CON], fx.fid2, emails[CON]);
    must(sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK, "consultant", NULL);
    /* Personal API tokens of ana (owner), vic (viewer) and oto (the other
     * family's owner) for the Baby Buddy-compatible routes: with oto's, no
     * answer may hold ana's secret either. */
    const enum who holders[] = {ANA, VIC, OTO};
    for (size_t i = 0; i < ARRAY_LEN(holders); i++) {
        enum who w = holders[i];
        char token[TOKEN_LEN + 1], hash[HASH_HEX_LEN + 1];
        token_new(token);
        token_hash(token, hash);
        snprintf(fx.token[w], sizeof fx.token[w], "Token %s", token);
        snprintf(sql, sizeof sql,
                 "INSERT INTO api_tokens (id, family_id, member_id, name, token_hash, created_at) "
                 "SELECT lower(hex(randomblob(16))), m.family_id, m.id, 'fuzz', '%s', 0 "
                 "FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = '%s' "
                 "AND m.family_id = '%s'",
                 hash, emails[w], w == OTO ? fx.fid2 : fx.fid1);
        must(sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK && sqlite3_changes(d->h) == 1,
             "api token", NULL);
    }
    /* What repair_fixture puts back before every input. */
    must(sqlite3_exec(
             d->h,
             "CREATE TABLE fx_sessions AS SELECT * FROM sessions;"
             "CREATE TABLE fx_users AS SELECT id, email, password_hash, is_admin, is_consultant "
             "FROM users;"
             "CREATE TABLE fx_assignments AS SELECT * FROM client_assignments;"
             "CREATE TABLE fx_members AS SELECT id, role FROM members;"
             "CREATE TABLE fx_families AS SELECT id FROM families;"
             "CREATE TABLE fx_subjects AS SELECT id FROM subjects;"
             /* A deleted family cannot be put back, so deleting one the
              * fixture made is skipped (the handler runs all the same). */
             "CREATE TRIGGER fx_keep_families BEFORE DELETE ON families "
             "WHEN OLD.id IN (SELECT id FROM fx_families) BEGIN SELECT RAISE(IGNORE); END;",
             NULL, NULL, NULL) == SQLITE_OK,
         "fixture copy", NULL);
    db_release_all(d);
}

/* The oracles below speak of who may do what, so an input may not change it
 * for the next: a fuzzed request can make vic a caregiver (or limit them to
 * one person), sign ana out,
 * change her password or archive the family. Everything the fixture made is
 * put back as it was (what inputs add is left: it is more to fuzz). */
static void repair_fixture(void)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO sessions SELECT * FROM fx_sessions;"
        "UPDATE users SET email = id || '@moved.example' WHERE email IN "
        "  (SELECT email FROM fx_users) AND id NOT IN (SELECT id FROM fx_users);"
        "UPDATE users SET (email, password_hash, is_admin, is_consultant) = (SELECT email, "
        "password_hash, is_admin, is_consultant "
        "  FROM fx_users f WHERE f.id = users.id) WHERE id IN (SELECT id FROM fx_users);"
        "DELETE FROM client_assignments WHERE user_id IN (SELECT id FROM fx_users);"
        "INSERT INTO client_assignments SELECT * FROM fx_assignments;"
        "UPDATE members SET role = (SELECT role FROM fx_members f WHERE f.id = members.id), "
        "  removed_at = NULL, subject_ids = NULL WHERE id IN (SELECT id FROM fx_members);"
        "UPDATE families SET archived_at = NULL WHERE id IN (SELECT id FROM fx_families);"
        "UPDATE subjects SET deleted_at = NULL WHERE id IN (SELECT id FROM fx_subjects);"
        "UPDATE api_tokens SET revoked_at = NULL WHERE name = 'fuzz';";
    struct db *d = worker_db(&fx.worker);
    char *err = NULL;
    if (!d || sqlite3_exec(d->h, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fuzz_handlers: repair failed: %s\n", err ? err : "no database");
        abort();
    }
    db_release_all(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/carelog-fuzz.XXXXXX";
    if (!mkdtemp(dir))
        abort();
    setenv("DATA_DIR", dir, 1);
    setenv("REGISTRATION", "open", 1);
    setenv("CARELOG_TEST_FAST_HASH", "1", 1);
    setenv("LOGIN_THROTTLE_MAX", "1000", 1);
    setenv("API_TOKEN_RATE_MAX", "100000", 1);
    setenv("API_TOKEN_RATE_WINDOW", "1", 1);
    /* Mail is queued, never sent, inside a request: configured, the routes
     * that queue it run their whole way. */
    setenv("SMTP_URL", "smtp://127.0.0.1:1", 1);
    setenv("MAIL_FROM", "carelog <care@fuzz.example>", 1);
    log_set_quiet(true);
    char err[256];
    if (sodium_init() < 0 || !config_load(err, sizeof err) || !catalogue_init(err, sizeof err) ||
        !access_init(err, sizeof err) || !database_prepare(err, sizeof err)) {
        fprintf(stderr, "fuzz_handlers: %s\n", err);
        abort();
    }
    for (size_t i = 0; i < NPROGRAMS; i++)
        if (programs[i] != &stream_program && programs[i]->init && !programs[i]->init())
            abort();
    build_fixture();
    return 0;
}

/* ---------- turning bytes into a request ---------- */

/* Replaces the $ placeholders; the result is malloc'd. */
static char *expand(const char *in, size_t len, size_t *out_len)
{
    struct buf b;
    buf_init(&b, 8 << 20);
    for (size_t i = 0; i < len; i++) {
        const char *rest = in + i;
        size_t left = len - i;
        const char *val = NULL;
        size_t skip = 0;
        char fresh[37], now[24];
        if (left >= 3 && rest[0] == '$') {
            static const struct {
                const char *token;
                int which;
            } marks[] = {{"$F1", 0}, {"$F2", 1}, {"$S1", 2},  {"$S2", 3}, {"$E1", 4},
                         {"$E2", 5}, {"$M2", 6}, {"$NOW", 7}, {"$U", 8}};
            for (size_t k = 0; k < ARRAY_LEN(marks) && !val; k++) {
                size_t tl = strlen(marks[k].token);
                if (left < tl || memcmp(rest, marks[k].token, tl) != 0)
                    continue;
                skip = tl;
                switch (marks[k].which) {
                case 0:
                    val = fx.fid1;
                    break;
                case 1:
                    val = fx.fid2;
                    break;
                case 2:
                    val = fx.sid1;
                    break;
                case 3:
                    val = fx.sid2;
                    break;
                case 4:
                    val = fx.eid1;
                    break;
                case 5:
                    val = fx.eid2;
                    break;
                case 6:
                    val = fx.vic_member;
                    break;
                case 7:
                    snprintf(now, sizeof now, "%lld", (long long)now_ms());
                    val = now;
                    break;
                default:
                    new_uuid(fresh);
                    val = fresh;
                    break;
                }
            }
        }
        if (val) {
            buf_puts(&b, val);
            i += skip - 1;
        } else {
            buf_append(&b, rest, 1);
        }
    }
    buf_append(&b, "", 1);
    if (b.oom || !b.p)
        abort();
    *out_len = b.len - 1;
    return b.p;
}

/* The value of one {capture}: mode 0 this family's, 1 the other family's,
 * 2 a fresh UUID, 3 the fuzzer's text (percent-encoded as a client would). */
static void capture_value(const char *name, size_t name_len, int mode, const char *text,
                          struct buf *uri)
{
    bool fid = name_len == 3 && memcmp(name, "fid", 3) == 0;
    bool sid = name_len == 3 && memcmp(name, "sid", 3) == 0;
    bool eid = name_len == 3 && memcmp(name, "eid", 3) == 0;
    bool mid = name_len == 3 && memcmp(name, "mid", 3) == 0;
    char fresh[37];
    switch (mode) {
    case 0:
        buf_puts(uri, fid ? fx.fid1 : sid ? fx.sid1 : eid ? fx.eid1 : mid ? fx.vic_member : "x");
        return;
    case 1:
        buf_puts(uri, fid ? fx.fid2 : sid ? fx.sid2 : eid ? fx.eid2 : "y");
        return;
    case 2:
        new_uuid(fresh);
        buf_puts(uri, fresh);
        return;
    default:
        if (!*text)
            buf_puts(uri, "%20");
        for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
            if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                *p == '-' || *p == '_' || *p == '.')
                buf_append(uri, p, 1);
            else
                buf_printf(uri, "%%%02X", *p);
        }
    }
}

/* The request path: the route's pattern with its captures filled in. */
static void build_uri(const struct route *rt, unsigned modes, const char *text, const char *query,
                      struct buf *uri, bool *own_family, bool *text_capture)
{
    *own_family = *text_capture = false;
    int k = 0;
    for (const char *p = rt->pattern; *p;) {
        if (*p != '{') {
            buf_append(uri, p, 1);
            p++;
            continue;
        }
        const char *end = strchr(p, '}');
        if (!end)
            abort();
        int mode = (int)((modes >> (2 * (k++ % 4))) & 3);
        if (end - p - 1 == 3 && memcmp(p + 1, "fid", 3) == 0)
            *own_family = mode == 0;
        if (mode == 3)
            *text_capture = true; /* it may not decode: 404 before any access check */
        capture_value(p + 1, (size_t)(end - p - 1), mode, text, uri);
        p = end + 1;
    }
    if (*query) {
        buf_puts(uri, "?");
        buf_puts(uri, query);
    }
}

/* ---------- the promises every answer keeps ---------- */

/* `knows_secret`: the input itself holds the secret text (the fuzzer learns
 * it from this very comparison), so an answer that echoes it leaks nothing. */
static void check_answer(const struct route *rt, const char *method, enum who who, bool csrf,
                         bool own_family, bool text_capture, bool knows_secret,
                         const struct answer *a)
{
    CHECK(a->status >= 200 && a->status <= 599);
    CHECK(a->status != 500); /* every failure a caller can cause has its own status */
    const char *ct = strstr(a->raw.p, "Content-Type: application/json");
    if (ct && ct < a->body) {
        cJSON *j = cJSON_Parse(a->body);
        CHECK(j != NULL);
        if (a->status >= 400)
            CHECK(cJSON_IsString(json_at(json_at(j, "error"), "code")));
        cJSON_Delete(j);
    }
    /* No caller but ana, vic and the admin ever sees ana's family (the
     * consultant's only client is oto's). */
    if ((who == ANON || who == OTO || who == CON) && !knows_secret)
        CHECK(strstr(a->body, fx.secret) == NULL);
    bool same_method = strcmp(method, rt->method) == 0;
    if (!same_method)
        return;
    bool family_route = rt->access >= ACCESS_VIEWER;
    if (rt->access != ACCESS_PUBLIC && who == ANON)
        CHECK(a->status == 401 || a->status == 404 || a->status == 414);
    bool writes = method_changes_state(method);
    if (family_route && who == OTO && (csrf || !writes) && (own_family))
        CHECK(a->status == 404 || a->status == 414); /* another family's id: 404, never data */
    if (family_route && who == VIC && own_family && csrf && rt->access > ACCESS_VIEWER)
        CHECK(a->status == 403 || a->status == 414 || (text_capture && a->status == 404));
    /* The consultant reaches only the family assigned to it, and only
     * through the console or a route that lets staff in. */
    if (family_route && who == CON && (csrf || !writes) && own_family)
        CHECK(a->status == 404 || a->status == 414);
    /* A viewer's API token changes nothing; callers without a token get 401. */
    if (rt->access == ACCESS_TOKEN && who == VIC && writes)
        CHECK(a->status == 403 || a->status == 414 || (text_capture && a->status == 404));
    if (rt->access == ACCESS_TOKEN && (who == ADM || who == CON))
        CHECK(a->status == 401 || a->status == 414 || (text_capture && a->status == 404));
    bool console = rt->access == ACCESS_STAFF || rt->access == ACCESS_CLIENT;
    if (console && (who == ANA || who == VIC || who == OTO))
        CHECK(a->status == 403 || a->status == 414 || (text_capture && a->status == 404));
    if (rt->access == ACCESS_CLIENT && who == CON && (csrf || !writes) && own_family)
        CHECK(a->status == 404 || a->status == 414);
    if (rt->access == ACCESS_ADMIN && who == CON)
        CHECK(a->status == 403 || a->status == 414 || (text_capture && a->status == 404));
}

/* ---------- a value of the wrong kind where a handler expects another ---------- */

/* What a careless or hostile client puts where an object, a string or a
 * number belongs. */
static const char *const hostile[] = {
    "null",  "true", "false", "0",      "-1",   "1.5",         "1e300", "9007199254740993", "\"\"",
    "\"x\"", "[]",   "{}",    "[null]", "[[]]", "{\"\":null}", "[{}]",  "\"0000-00-00\"",   "-0",
};

static int count_nodes(const cJSON *n)
{
    int c = 1;
    for (const cJSON *k = n->child; k; k = k->next)
        c += count_nodes(k);
    return c;
}

/* The node numbered *left in pre-order (the root is 0), with its parent. */
static cJSON *nth_node(cJSON *n, cJSON *parent, int *left, cJSON **parent_out)
{
    if ((*left)-- == 0) {
        *parent_out = parent;
        return n;
    }
    for (cJSON *k = n->child; k; k = k->next) {
        cJSON *hit = nth_node(k, n, left, parent_out);
        if (hit)
            return hit;
    }
    return NULL;
}

/* A body that parses has one of its values (picked by `node`) replaced by
 * hostile[kind]: the type confusion that byte mutations reach only rarely,
 * such as a sync change that is `null`. Takes and returns a malloc'd body. */
static char *confuse(char *body, size_t *len, unsigned node, unsigned kind)
{
    cJSON *root = cJSON_ParseWithLength(body, *len);
    if (!root)
        return body;
    int left = (int)(node % (unsigned)count_nodes(root));
    cJSON *parent = NULL;
    cJSON *target = nth_node(root, NULL, &left, &parent);
    cJSON *with = cJSON_Parse(hostile[kind % ARRAY_LEN(hostile)]);
    if (target && with) {
        if (!parent) {
            cJSON_Delete(root);
            root = with;
        } else {
            cJSON_ReplaceItemViaPointer(parent, target, with);
        }
        with = NULL;
    }
    cJSON_Delete(with);
    char *out = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (!out)
        return body;
    free(body);
    *len = strlen(out);
    return out;
}

static const char *const methods[] = {"GET",    "POST", "PUT",     "PATCH",
                                      "DELETE", "HEAD", "OPTIONS", "BREW"};

/* "@METHOD /pattern WHO FLAGS MODES\n": the route by name and the bytes 2
 * and 3; false when the line is not that or names no route. */
static bool named_route(const uint8_t *data, size_t size, const struct program **p,
                        const struct route **rt, uint8_t head[HEAD], unsigned swap[2], size_t *used)
{
    const uint8_t *nl = memchr(data, '\n', size < 400 ? size : 400);
    if (size < 2 || data[0] != '@' || !nl)
        return false;
    char line[400], method[16], pattern[300];
    unsigned who, flags, modes, node = 0, kind = 0;
    snprintf(line, sizeof line, "%.*s", (int)(nl - data - 1), (const char *)data + 1);
    int got = sscanf(line, "%15s %299s %u %u %u %u %u", method, pattern, &who, &flags, &modes,
                     &node, &kind);
    if (got != 5 && got != 7)
        return false;
    if (got == 5)
        node = kind = UINT_MAX; /* not given: by hash */
    for (size_t i = 0; i < NPROGRAMS; i++) {
        for (size_t k = 0; k < programs[i]->nroutes; k++) {
            const struct route *r = &programs[i]->routes[k];
            if (strcmp(r->method, method) == 0 && strcmp(r->pattern, pattern) == 0) {
                *p = programs[i];
                *rt = r;
                head[2] = (uint8_t)((who & 7) | (flags & 0xf8));
                head[3] = (uint8_t)modes;
                swap[0] = node;
                swap[1] = kind;
                *used = (size_t)(nl - data) + 1;
                return true;
            }
        }
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct program *p;
    const struct route *rt;
    uint8_t head[HEAD] = {0};
    unsigned swap[2] = {UINT_MAX, UINT_MAX};
    size_t used = HEAD;
    if (!named_route(data, size, &p, &rt, head, swap, &used)) {
        if (size < HEAD)
            return 0;
        memcpy(head, data, HEAD);
        p = programs[head[0] % NPROGRAMS];
        rt = &p->routes[head[1] % p->nroutes];
    }
    enum who who = (enum who)((head[2] & 7) % NWHO);
    bool csrf = !(head[2] & 8);
    const char *method = (head[2] & 16) ? methods[head[2] >> 5] : rt->method;
    unsigned modes = head[3];

    /* "capture text \n query \n body" */
    const char *rest = (const char *)data + used;
    size_t left = size - used;
    const char *nl1 = memchr(rest, '\n', left);
    size_t text_len = nl1 ? (size_t)(nl1 - rest) : left;
    const char *q = nl1 ? nl1 + 1 : rest + left;
    size_t qleft = (size_t)(rest + left - q);
    const char *nl2 = memchr(q, '\n', qleft);
    size_t q_len = nl2 ? (size_t)(nl2 - q) : qleft;
    const char *body = nl2 ? nl2 + 1 : NULL;
    size_t body_len = body ? (size_t)(rest + left - body) : 0;

    char text[256];
    snprintf(text, sizeof text, "%.*s", (int)(text_len < 255 ? text_len : 255), rest);
    if (memchr(rest, '\0', text_len < 255 ? text_len : 255))
        text[0] = '\0';
    size_t qx_len;
    char *qraw = expand(q, q_len, &qx_len);
    /* A query is sent as the client's bytes; keep it one printable line. */
    for (char *c = qraw; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == '#' || (unsigned char)*c >= 0x7f)
            *c = '_';
    size_t bx_len = 0;
    char *bx = body ? expand(body, body_len, &bx_len) : NULL;
    if (swap[0] == UINT_MAX) {
        uint32_t h = 2166136261u; /* FNV-1a */
        for (size_t i = 0; i < size; i++)
            h = (h ^ data[i]) * 16777619u;
        swap[0] = (h & 1) ? 1 + ((h >> 1) & 0xffff) : 0;
        swap[1] = h >> 17;
    }
    if (bx && swap[0])
        bx = confuse(bx, &bx_len, swap[0] - 1, swap[1]);

    struct buf uri;
    buf_init(&uri, 1 << 16);
    bool own_family, text_capture;
    build_uri(rt, modes, text, qraw, &uri, &own_family, &text_capture);
    buf_append(&uri, "", 1);

    repair_fixture();
    struct answer a;
    run(p, method, uri.p ? uri.p : "/", bx, bx_len, who, csrf, &a);
    bool knows_secret = memmem(data, size, fx.secret, strlen(fx.secret)) != NULL;
    check_answer(rt, method, who, csrf, own_family, text_capture, knows_secret, &a);
    answer_free(&a);
    buf_free(&uri);
    free(qraw);
    free(bx);
    return 0;
}
