/* test_jsonw.c — JSON written straight into a buffer (util.c buf_json_str,
 * buf_json_int; data/entry.c entry_json_write): every byte escapes exactly
 * as cJSON escapes it, integers print at both ends of int64, and an entry
 * row read back by cJSON has every member with its value and type (nulls,
 * a group id only when there is one, a damaged stored value as {}). */
#include "tap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "data/entry.h"
#include "util/util.h"

/* buf_json_str(s) must print what cJSON prints for the same string. */
static int same_as_cjson(const char *s)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    cJSON *item = cJSON_CreateString(s);
    char *want = cJSON_PrintUnformatted(item);
    int same = buf_json_str(&b, s) && want && strcmp(b.p, want) == 0;
    if (!same)
        fprintf(stderr, "# got %s want %s\n", b.p, want ? want : "(null)");
    free(want);
    cJSON_Delete(item);
    buf_free(&b);
    return same;
}

static void test_strings(void)
{
    int bad = 0;
    for (int c = 1; c < 256; c++) {
        char s[8] = {'a', (char)c, 'b', (char)c, 0};
        bad += !same_as_cjson(s);
    }
    is_int(bad, 0, "every byte 1..255 escapes as cJSON escapes it");
    ok(same_as_cjson(""), "the empty string");
    ok(same_as_cjson("\"\\\"\\"), "quotes and backslashes only");
    ok(same_as_cjson("Noa \xd7\xa0\xd7\x95\xd7\x94 \xf0\x9f\x8d\xbc"), "UTF-8 passes through");
    struct buf b;
    buf_init(&b, 8);
    ok(!buf_json_str(&b, "a string longer than the buffer may grow") && b.oom,
       "a full buffer refuses and stays marked");
    buf_free(&b);
}

static void test_ints(void)
{
    const int64_t vs[] = {0, 1, -1, 9, 10, 1732892400000, -1732892400000, INT64_MAX, INT64_MIN};
    int bad = 0;
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        struct buf b;
        buf_init(&b, 64);
        char want[32];
        snprintf(want, sizeof want, "%" PRId64, vs[i]);
        if (!buf_json_int(&b, vs[i]) || strcmp(b.p, want) != 0) {
            fprintf(stderr, "# got %s want %s\n", b.p, want);
            bad++;
        }
        buf_free(&b);
    }
    is_int(bad, 0, "integers from INT64_MIN to INT64_MAX print as printf prints them");
}

/* One row shaped like ENTRY_SELECT's columns. */
static cJSON *entry_from(sqlite3 *h, const char *select)
{
    sqlite3_stmt *st = NULL;
    cJSON *o = NULL;
    if (sqlite3_prepare_v2(h, select, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        struct buf b;
        buf_init(&b, 1 << 16);
        if (entry_json_write(&b, st))
            o = cJSON_Parse(b.p);
        buf_free(&b);
    }
    sqlite3_finalize(st);
    return o;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "(not a string)";
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void test_entry(void)
{
    sqlite3 *h = NULL;
    if (sqlite3_open(":memory:", &h) != SQLITE_OK) {
        ok(0, "an in-memory database");
        return;
    }
    /* id, subject_id, type, ts, end_ts, value, author_id, author_name,
     * created_at, updated_at, deleted, seq, family_id, created_by, group_id */
    cJSON *e = entry_from(h, "SELECT 'e1', 's1', 'sleep', 1700000000000, 1700000360000, "
                             "'{\"note\":\"a \\\"b\\\"\"}', 'm1', 'Ana \"Mom\"\n', "
                             "1700000000001, 1700000000002, 1, 42, 'f1', 'm0', 'g1'");
    ok(e != NULL, "a full row reads back as JSON");
    is_str(str(e, "id"), "e1", "id");
    is_str(str(e, "subject_id"), "s1", "subject_id");
    is_str(str(e, "type"), "sleep", "type");
    ok(num(e, "ts") == 1700000000000.0 && num(e, "end_ts") == 1700000360000.0, "ts and end_ts");
    is_str(str(cJSON_GetObjectItemCaseSensitive(e, "value"), "note"), "a \"b\"",
           "the stored value goes out as the object it is");
    is_str(str(e, "author_name"), "Ana \"Mom\"\n", "a name with a quote and a line break");
    is_str(str(e, "created_by"), "m0", "created_by");
    is_str(str(e, "group_id"), "g1", "group_id when logged together");
    ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "deleted")), "deleted true");
    ok(num(e, "seq") == 42 && num(e, "updated_at") == 1700000000002.0, "seq and updated_at");
    ok(!cJSON_GetObjectItemCaseSensitive(e, "family_id"), "the family id is not shown");
    cJSON_Delete(e);

    e = entry_from(h, "SELECT 'e2', 's1', 'diaper', 5, NULL, 'damaged', NULL, NULL, 5, 5, 0, 1, "
                      "'f1', NULL, NULL");
    ok(e != NULL, "a row with nulls reads back as JSON");
    ok(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "end_ts")) &&
           cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "author_id")) &&
           cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "author_name")) &&
           cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(e, "created_by")),
       "null columns are JSON null");
    ok(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "value")) &&
           !cJSON_GetObjectItemCaseSensitive(e, "value")->child,
       "a stored value that is not an object goes out as {}");
    ok(!cJSON_GetObjectItemCaseSensitive(e, "group_id"), "no group_id when logged alone");
    ok(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(e, "deleted")), "deleted false");
    cJSON_Delete(e);
    sqlite3_close(h);
}

int main(void)
{
    test_strings();
    test_ints();
    test_entry();
    return done_testing();
}
