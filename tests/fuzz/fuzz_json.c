/* fuzz_json.c — libFuzzer target for request bodies: json_parse_body (what
 * read_json_body calls) parses arbitrary bytes, then the valid.h validators
 * run over what came out — a fixed schema like a handler's (strings, ints,
 * enum, UUID, epoch ms, a nested object, an array of objects), and every
 * member once more through a validator picked by its name, so any validator
 * meets any JSON type — then v_finish and v_take_errors. utf8_check runs on
 * the raw bytes. Besides memory errors and undefined behaviour, the target
 * aborts when a result breaks its documented contract. */
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "framework/http.h"
#include "util/util.h"
#include "framework/valid.h"

static const char *const sides[] = {"left", "right", "both", NULL};

/* Characters in a UTF-8 string the slow way: bytes that do not continue one. */
static size_t count_lead_bytes(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xc0) != 0x80;
    return n;
}

/* Runs the validator chosen by `kind` on `name`, checking what it hands back. */
static void validate_one(struct vobj *v, const char *name, unsigned kind, unsigned flags)
{
    const char *s = NULL;
    int64_t i = 0;
    double d = 0;
    bool b = false;
    const cJSON *j = NULL;
    switch (kind % 11) {
    case 0:
        if (v_string(v, name, flags, 1, 80, &s)) {
            size_t chars = 0;
            CHECK(utf8_check(s, flags & V_MULTILINE, &chars) && chars >= 1 && chars <= 80);
        }
        break;
    case 1:
        if (v_int(v, name, flags, 1, 1000, &i))
            CHECK(i >= 1 && i <= 1000);
        break;
    case 2:
        if (v_int(v, name, flags, INT64_MIN, INT64_MAX, &i))
            CHECK(i >= -9007199254740991LL && i <= 9007199254740991LL);
        break;
    case 3:
        if (v_enum(v, name, flags, sides, &s))
            CHECK(s == sides[0] || s == sides[1] || s == sides[2]);
        break;
    case 4:
        if (v_uuid(v, name, flags, &s))
            CHECK(uuid_is_valid(s));
        break;
    case 5:
        if (v_epoch_ms(v, name, flags, &i))
            CHECK(epoch_ms_is_plausible(i));
        break;
    case 6:
        if (v_number(v, name, flags, -40, 45, &d))
            CHECK(d >= -40 && d <= 45);
        break;
    case 7:
        v_bool(v, name, flags, &b);
        break;
    case 8:
        if (v_object(v, name, flags, &j))
            CHECK(cJSON_IsObject(j));
        break;
    case 9:
        if (v_array(v, name, flags, 3, &j))
            CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) <= 3);
        break;
    default:
        if (v_is_null(v, name))
            CHECK(v_has(v, name));
        break;
    }
}

/* The fields of a nested object ("value" of a health event, say). */
static void validate_value(struct vobj *parent, const cJSON *obj, const char *name)
{
    struct vobj child;
    v_init_nested(&child, parent, obj, name);
    const char *unit = NULL;
    double amount = 0;
    v_number(&child, "amount", V_REQUIRED, 0, 1e6, &amount);
    v_string(&child, "unit", V_NULLABLE, 1, 8, &unit);
    bool ok = v_finish(&child);
    cJSON *errs = v_take_errors(&child); /* a copy: the list is the parent's */
    CHECK(ok == (errs == NULL));
    cJSON_Delete(errs);
    v_free(&child);
}

/* A handler's schema, then every member again by a validator its name picks. */
static void validate(const cJSON *json)
{
    struct vobj v;
    v_init(&v, json, NULL);
    const char *s = NULL;
    int64_t i = 0;
    const cJSON *value = NULL, *items = NULL;
    v_uuid(&v, "id", V_REQUIRED, &s);
    v_string(&v, "name", V_REQUIRED, 1, 80, &s);
    v_string(&v, "note", V_NULLABLE | V_MULTILINE, 0, 2000, &s);
    v_int(&v, "amount_ml", 0, 1, 1000, &i);
    v_enum(&v, "side", 0, sides, &s);
    v_epoch_ms(&v, "started_at", V_REQUIRED, &i);
    v_epoch_ms(&v, "updated_at", V_NULLABLE, &i);
    if (v_object(&v, "value", 0, &value))
        validate_value(&v, value, "value");
    if (v_array(&v, "items", 0, 4, &items)) {
        const cJSON *it = NULL;
        cJSON_ArrayForEach(it, items) validate_value(&v, it, "items");
    }
    if (cJSON_IsObject(json)) {
        unsigned n = 0;
        for (const cJSON *c = json->child; c && n < 64; c = c->next, n++) {
            unsigned h = 0;
            for (const unsigned char *p = (const unsigned char *)c->string; *p; p++)
                h = h * 31 + *p;
            validate_one(&v, c->string, h, (h >> 8) & (V_REQUIRED | V_NULLABLE | V_MULTILINE));
        }
    }
    int before = cJSON_GetArraySize(v.errors);
    v_error(&v, "custom", "a cross-field rule");
    bool ok = v_finish(&v);
    CHECK(!ok); /* the custom error above, or the full list that left it out */
    cJSON *errs = v_take_errors(&v);
    CHECK(cJSON_IsObject(errs) && cJSON_GetArraySize(errs) <= V_MAX_ERRORS);
    /* Kept unless the list was already full (then the first errors win). */
    CHECK(before >= V_MAX_ERRORS || cJSON_GetObjectItemCaseSensitive(errs, "custom"));
    char *text = cJSON_PrintUnformatted(errs);
    CHECK(text != NULL);
    free(text);
    cJSON_Delete(errs);
    v_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* read_json_body hands cJSON a NUL-terminated copy of the body. */
    char *body = malloc(size + 1);
    if (!body)
        abort();
    memcpy(body, data, size);
    body[size] = '\0';

    for (int multiline = 0; multiline <= 1; multiline++) {
        size_t chars = 0;
        if (utf8_check(body, multiline, &chars))
            CHECK(chars == count_lead_bytes(body));
    }

    cJSON *json = json_parse_body(body, size);
    if (json) {
        CHECK(!memchr(body, '\0', size));
        validate(json);
        cJSON_Delete(json);
    }
    free(body);
    return 0;
}
