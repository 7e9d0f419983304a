/* test_http.c — percent-decoding, query and cookie parsing, Content-Type,
 * bounded buffers, UTF-8 and small helpers. */
#include "framework/http.h"
#include "tap.h"
#include "util/util.h"
#include "framework/valid.h"

/* req_same_origin over a request made of CGI variables. */
static bool same_origin(char *a, char *b, char *c)
{
    char *envp[] = {"HTTP_HOST=care.example:8080", a, b, c, NULL};
    struct request r = {.envp = envp};
    return req_same_origin(&r);
}

static void same_origin_tests(void)
{
    char none[] = "X_NONE=1";
    ok(same_origin(none, none, none), "same_origin: neither header (not a browser) passes");
    char sfs_same[] = "HTTP_SEC_FETCH_SITE=same-origin",
         sfs_cross[] = "HTTP_SEC_FETCH_SITE=cross-site",
         sfs_site[] = "HTTP_SEC_FETCH_SITE=same-site", sfs_none[] = "HTTP_SEC_FETCH_SITE=none";
    ok(same_origin(sfs_same, none, none), "…Sec-Fetch-Site: same-origin passes");
    ok(!same_origin(sfs_cross, none, none), "…cross-site is refused");
    ok(!same_origin(sfs_site, none, none), "…same-site is refused");
    ok(!same_origin(sfs_none, none, none), "…none (typed or bookmarked) is refused for a POST");
    char own[] = "HTTP_ORIGIN=http://care.example:8080", evil[] = "HTTP_ORIGIN=http://evil.example",
         null_origin[] = "HTTP_ORIGIN=null", https[] = "HTTPS=on";
    ok(same_origin(own, none, none), "…Origin of this Host and scheme passes");
    ok(!same_origin(own, https, none), "…but not over https (another scheme)");
    ok(!same_origin(evil, none, none), "…another Origin is refused");
    ok(!same_origin(null_origin, none, none), "…Origin: null is refused");
    ok(!same_origin(sfs_cross, own, none), "…Sec-Fetch-Site decides when both are sent");
}

int main(void)
{
    char out[64];
    is_int(pct_decode("a%20b", 5, out, sizeof out, false), 3, "decodes %%20");
    is_str(out, "a b", "decoded text");
    is_int(pct_decode("a+b", 3, out, sizeof out, true), 3, "plus with plus_space");
    is_str(out, "a b", "plus became space");
    pct_decode("a+b", 3, out, sizeof out, false);
    is_str(out, "a+b", "plus kept in paths");
    is_int(pct_decode("%zz", 3, out, sizeof out, false), -1, "bad hex refused");
    is_int(pct_decode("%4", 2, out, sizeof out, false), -1, "truncated escape refused");
    is_int(pct_decode("%", 1, out, sizeof out, false), -1, "lone percent refused");
    is_int(pct_decode("a%00b", 5, out, sizeof out, false), -1, "embedded NUL refused");
    is_int(pct_decode("%C3%A9", 6, out, sizeof out, false), 2, "UTF-8 bytes decode");
    is_int(pct_decode("abcdef", 6, out, 6, false), -1, "output too small refused");
    is_int(pct_decode("abcde", 5, out, 6, false), 5, "exact fit works");
    is_int(pct_decode("", 0, out, sizeof out, false), 0, "empty input");

    is_int(query_lookup("a=1&b=two%20x&c", "b", out, sizeof out), 1, "query finds b");
    is_str(out, "two x", "query value decoded");
    is_int(query_lookup("a=1&b=2", "c", out, sizeof out), 0, "absent key");
    is_int(query_lookup("c", "c", out, sizeof out), 1, "key without '='");
    is_str(out, "", "…is empty");
    is_int(query_lookup("ab=1&a=2", "a", out, sizeof out), 1, "prefix key not confused");
    is_str(out, "2", "…gets the right value");
    is_int(query_lookup("a=%G0", "a", out, sizeof out), -1, "malformed value");
    is_int(query_lookup("", "a", out, sizeof out), 0, "empty query");
    is_int(query_lookup("a=1&a=2", "a", out, sizeof out), 1, "repeated key: first wins");
    is_str(out, "1", "…first value");

    ok(cookie_lookup("a=1; carelog_session=abc; b=2", "carelog_session", out, sizeof out),
       "cookie found among others");
    is_str(out, "abc", "cookie value");
    ok(cookie_lookup("x=\"quoted\"", "x", out, sizeof out), "quoted cookie");
    is_str(out, "quoted", "quotes removed");
    ok(!cookie_lookup("xcarelog_session=1", "carelog_session", out, sizeof out),
       "suffix match is not a match");
    ok(!cookie_lookup(NULL, "a", out, sizeof out), "no Cookie header");
    ok(!cookie_lookup("a=0123456789", "a", out, 5), "too long for the buffer");
    ok(cookie_lookup(";;  a=1 ;", "a", out, sizeof out), "stray separators");
    is_str(out, "1", "…value trimmed");

    ok(content_type_is_json("application/json"), "application/json");
    ok(content_type_is_json("Application/JSON; charset=utf-8"), "with charset, any case");
    ok(!content_type_is_json("application/jsonx"), "longer type refused");
    ok(!content_type_is_json("text/plain"), "text/plain refused");
    ok(!content_type_is_json(NULL), "missing Content-Type");

    /* Regression (found fuzzing): the length given to cJSON left out the
     * terminating NUL, so every body failed as "not valid JSON". */
    static const char obj[] = "{\"a\":1}", spaced[] = " [1, 2] \n", junk[] = "{} x", two[] = "{}{}",
                      nul[] = "{\"a\":\"x\0y\"}", empty[] = "";
    cJSON *j = json_parse_body(obj, sizeof obj - 1);
    ok(cJSON_IsObject(j) && cJSON_GetObjectItem(j, "a")->valueint == 1, "a JSON body parses");
    cJSON_Delete(j);
    j = json_parse_body(spaced, sizeof spaced - 1);
    ok(cJSON_IsArray(j), "whitespace around the value is fine");
    cJSON_Delete(j);
    ok(!json_parse_body(junk, sizeof junk - 1), "trailing garbage refused");
    ok(!json_parse_body(two, sizeof two - 1), "two values refused");
    ok(!json_parse_body(nul, sizeof nul - 1), "a NUL inside the body refused");
    ok(!json_parse_body(empty, 0), "empty body refused");
    ok(!json_parse_body(obj, 3), "a length short of the NUL refused");

    /* The shape bounds (audit): an escaped NUL, nesting, members per object. */
    static const char esc_nul[] = "{\"a\":\"x\\u0000y\"}", esc_bs[] = "{\"a\":\"x\\\\u0000y\"}";
    ok(json_body_problem(esc_nul, sizeof esc_nul - 1) != NULL, "\\u0000 refused");
    j = json_parse_body(esc_bs, sizeof esc_bs - 1);
    ok(j && strcmp(cJSON_GetObjectItem(j, "a")->valuestring, "x\\u0000y") == 0,
       "an escaped backslash before u0000 is text");
    cJSON_Delete(j);
    char deep[2 * (JSON_MAX_DEPTH + 1) + 1], ok_deep[2 * JSON_MAX_DEPTH + 1];
    memset(deep, '[', JSON_MAX_DEPTH + 1);
    memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
    deep[sizeof deep - 1] = '\0';
    memset(ok_deep, '[', JSON_MAX_DEPTH);
    memset(ok_deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
    ok_deep[sizeof ok_deep - 1] = '\0';
    ok(json_body_problem(deep, sizeof deep - 1) != NULL, "nesting past the limit refused");
    ok(json_body_problem(ok_deep, sizeof ok_deep - 1) == NULL, "nesting at the limit accepted");
    struct buf many;
    buf_init(&many, 1 << 20);
    buf_puts(&many, "{\"x\":\"a:b\"");
    for (int i = 0; i < JSON_MAX_MEMBERS; i++)
        buf_printf(&many, ",\"k%d\":{\"a\":1}", i);
    buf_puts(&many, "}");
    ok(json_body_problem(many.p, many.len) != NULL, "%d members refused", JSON_MAX_MEMBERS + 1);
    buf_free(&many);

    struct buf b;
    buf_init(&b, 8);
    ok(buf_puts(&b, "12345678"), "buffer takes up to max");
    ok(!buf_puts(&b, "9"), "buffer refuses past max");
    ok(b.oom && b.len == 8, "and stays truncated");
    buf_free(&b);
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 1000; i++)
        buf_printf(&b, "%d,", i);
    ok(!b.oom && b.len == 3890, "buffer grows");
    buf_free(&b);

    size_t chars;
    ok(utf8_check("héllo", false, &chars) && chars == 5, "UTF-8 counts code points");
    ok(!utf8_check("\xc3", false, &chars), "truncated sequence refused");
    ok(!utf8_check("\xc0\xaf", false, &chars), "overlong refused");
    ok(!utf8_check("\xed\xa0\x80", false, &chars), "surrogate refused");
    ok(!utf8_check("a\nb", false, &chars), "newline refused on one line");
    ok(utf8_check("a\nb", true, &chars), "newline allowed when multiline");

    ok(uuid_is_valid("0192f0c4-1c2d-7abc-8def-0123456789ab"), "uuid v7 text");
    ok(!uuid_is_valid("0192F0C4-1C2D-7ABC-8DEF-0123456789AB"), "upper case refused");
    ok(!uuid_is_valid("0192f0c4-1c2d-7abc-8def-0123456789a"), "short refused");
    ok(!uuid_is_valid("0192f0c4x1c2d-7abc-8def-0123456789ab"), "bad separator refused");
    char id[37];
    uuid_v4(id);
    ok(uuid_is_valid(id) && id[14] == '4', "uuid_v4 makes valid v4 ids");

    int64_t v;
    ok(parse_int64("123", &v) && v == 123, "parse_int64");
    ok(parse_int64("-5", &v) && v == -5, "negative");
    ok(!parse_int64("", &v) && !parse_int64("-", &v) && !parse_int64("1x", &v) &&
           !parse_int64("99999999999999999999", &v) && !parse_int64(" 1", &v),
       "junk refused");
    char ts[32];
    format_rfc3339_ms(1763879400123LL, ts);
    is_str(ts, "2025-11-23T06:30:00.123Z", "RFC 3339 time");
    ok(secret_equals("abc", "abc") && !secret_equals("abc", "abd") && !secret_equals("abc", "ab") &&
           !secret_equals(NULL, "a"),
       "secret_equals");
    ok(ascii_ieq("X-CSRF", "x-csrf") && !ascii_ieq("a", "ab"), "ascii_ieq");
    same_origin_tests();
    return done_testing();
}
