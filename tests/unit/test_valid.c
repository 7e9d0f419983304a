/* test_valid.c — the JSON validators: required/optional, types, string
 * lengths, integer ranges, enums, UUIDs, epoch-ms, unknown and duplicate
 * fields, nested objects. */
#include "tap.h"
#include "util/util.h"
#include "framework/valid.h"

static const char *err_of(struct vobj *v, const char *field)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(v->errors, field);
    return cJSON_IsString(e) ? e->valuestring : NULL;
}

int main(void)
{
    static const char *const sides[] = {"left", "right", "both", NULL};
    cJSON *j = cJSON_Parse("{\"name\":\"Noa\",\"ml\":120,\"side\":\"left\",\"ok\":true,"
                           "\"id\":\"0192f0c4-1c2d-7abc-8def-0123456789ab\","
                           "\"ts\":1763879400123,\"t\":36.6}");
    struct vobj v;
    v_init(&v, j, NULL);
    const char *s = NULL, *side = NULL, *id = NULL;
    int64_t ml = 0, ts = 0;
    bool b = false;
    double t = 0;
    ok(v_string(&v, "name", V_REQUIRED, 1, 80, &s) && strcmp(s, "Noa") == 0, "string");
    ok(v_int(&v, "ml", V_REQUIRED, 1, 1000, &ml) && ml == 120, "int in range");
    ok(v_enum(&v, "side", V_REQUIRED, sides, &side) && strcmp(side, "left") == 0, "enum");
    ok(v_bool(&v, "ok", 0, &b) && b, "bool");
    ok(v_uuid(&v, "id", V_REQUIRED, &id), "uuid");
    ok(v_epoch_ms(&v, "ts", V_REQUIRED, &ts) && ts == 1763879400123LL, "epoch ms");
    ok(v_number(&v, "t", 0, 30, 45, &t) && t > 36.5, "number");
    ok(!v_string(&v, "missing", 0, 0, 10, &s), "optional missing: false");
    ok(v_finish(&v), "no errors, no unknown fields");
    v_free(&v);
    cJSON_Delete(j);

    j = cJSON_Parse("{\"name\":\"\",\"ml\":1001,\"side\":\"up\",\"ok\":\"yes\",\"id\":\"nope\","
                    "\"ts\":5,\"extra\":1,\"frac\":1.5,\"nul\":null,\"long\":\"abcdef\"}");
    v_init(&v, j, NULL);
    v_string(&v, "name", V_REQUIRED, 1, 80, &s);
    v_int(&v, "ml", V_REQUIRED, 1, 1000, &ml);
    v_enum(&v, "side", V_REQUIRED, sides, &side);
    v_bool(&v, "ok", 0, &b);
    v_uuid(&v, "id", V_REQUIRED, &id);
    v_epoch_ms(&v, "ts", V_REQUIRED, &ts);
    v_int(&v, "frac", 0, 0, 10, &ml);
    v_string(&v, "nul", 0, 0, 10, &s);
    v_string(&v, "long", 0, 0, 5, &s);
    v_string(&v, "req", V_REQUIRED, 0, 10, &s);
    ok(!v_finish(&v), "errors reported");
    is_str(err_of(&v, "name"), "must not be empty", "empty string");
    is_str(err_of(&v, "ml"), "must be between 1 and 1000", "range message");
    is_str(err_of(&v, "side"), "must be one of: left, right, both", "enum message");
    is_str(err_of(&v, "ok"), "must be true or false", "bool type");
    is_str(err_of(&v, "id"), "must be a lower-case UUID", "uuid message");
    ok(err_of(&v, "ts") != NULL, "implausible epoch ms refused");
    is_str(err_of(&v, "frac"), "must be a whole number", "fraction refused as int");
    is_str(err_of(&v, "nul"), "must not be null", "null refused unless nullable");
    is_str(err_of(&v, "long"), "must be at most 5 characters", "max length");
    is_str(err_of(&v, "req"), "is required", "required missing");
    is_str(err_of(&v, "extra"), "unknown field", "unknown field");
    v_free(&v);
    cJSON_Delete(j);

    j = cJSON_Parse("{\"a\":1,\"a\":2,\"n\":null,\"s\":\"\\u00e9t\\u00e9\"}");
    v_init(&v, j, NULL);
    v_int(&v, "a", 0, 0, 5, &ml);
    ok(v_is_null(&v, "n"), "v_is_null sees null");
    ok(v_string(&v, "s", 0, 0, 4, &s), "escaped UTF-8 counted as characters");
    ok(!v_finish(&v), "duplicate key refused");
    is_str(err_of(&v, "a"), "appears more than once", "duplicate message");
    v_free(&v);
    cJSON_Delete(j);

    j = cJSON_Parse("{\"type\":\"feed\",\"value\":{\"amount_ml\":0,\"bogus\":1}}");
    v_init(&v, j, NULL);
    const cJSON *val = NULL;
    v_string(&v, "type", V_REQUIRED, 1, 20, &s);
    ok(v_object(&v, "value", V_REQUIRED, &val), "nested object");
    struct vobj nv;
    v_init_nested(&nv, &v, val, "value");
    v_int(&nv, "amount_ml", 0, 1, 1000, &ml);
    v_finish(&nv);
    ok(!v_finish(&v), "nested errors count for the parent");
    is_str(err_of(&v, "value.amount_ml"), "must be between 1 and 1000", "nested name prefixed");
    is_str(err_of(&v, "value.bogus"), "unknown field", "nested unknown field");
    cJSON *taken = v_take_errors(&v);
    ok(taken && cJSON_GetArraySize(taken) == 2, "errors taken out");
    cJSON_Delete(taken);
    v_free(&v);
    cJSON_Delete(j);

    j = cJSON_Parse("[1,2]");
    v_init(&v, j, NULL);
    ok(!v_finish(&v), "array body refused");
    is_str(err_of(&v, "body"), "must be a JSON object", "body message");
    v_free(&v);
    cJSON_Delete(j);

    v_init(&v, NULL, NULL);
    v_string(&v, "x", V_REQUIRED, 0, 1, &s);
    ok(!v_finish(&v), "NULL object refused without crashing");
    v_free(&v);

    j = cJSON_Parse("{\"big\":1e300,\"neg\":-3,\"arr\":[1,2,3],\"ctl\":\"a\\u0001b\"}");
    v_init(&v, j, NULL);
    const cJSON *arr;
    ok(!v_int(&v, "big", 0, 0, 10, &ml), "huge number is not an int");
    ok(!v_int(&v, "neg", 0, 0, 10, &ml), "negative below min");
    ok(!v_array(&v, "arr", 0, 2, &arr), "array longer than max");
    ok(!v_string(&v, "ctl", 0, 0, 10, &s), "control characters refused");
    v_free(&v);
    cJSON_Delete(j);

    /* Regression (found fuzzing): v_epoch_ms cast any whole double to int64,
     * undefined behaviour for values out of its range (1e300, infinity). */
    j = cJSON_Parse("{\"huge\":1e300,\"inf\":1e999,\"ninf\":-1e999,\"edge\":9.3e18}");
    v_init(&v, j, NULL);
    ok(!v_epoch_ms(&v, "huge", 0, &ts), "1e300 is not a time");
    ok(!v_epoch_ms(&v, "inf", 0, &ts), "infinity is not a time");
    ok(!v_epoch_ms(&v, "ninf", 0, &ts), "minus infinity is not a time");
    ok(!v_epoch_ms(&v, "edge", 0, &ts), "just past int64 is not a time");
    ok(err_of(&v, "inf") != NULL, "…and is reported");
    v_free(&v);
    cJSON_Delete(j);

    /* Regression (audit): a sync change of `null` went through every getter
     * with no error recorded, so the handler used a NULL type. A getter that
     * yields nothing must have found the field optional and absent, or said
     * why. */
    cJSON *not_objects[] = {cJSON_CreateNull(), cJSON_CreateTrue(), cJSON_CreateNumber(0),
                            cJSON_CreateString("x"), cJSON_CreateArray()};
    for (size_t i = 0; i < ARRAY_LEN(not_objects); i++) {
        v_init(&v, not_objects[i], NULL);
        ok(!v_enum(&v, "side", 0, sides, &side) && !v_ok(&v),
           "a getter on a non-object records an error (%zu)", i);
        ok(err_of(&v, "body") && strcmp(err_of(&v, "body"), "must be a JSON object") == 0,
           "…against the object itself");
        v_free(&v);
        cJSON_Delete(not_objects[i]);
    }

    /* Error collection is capped and linear: 20,000 unknown fields name 16. */
    j = cJSON_CreateObject();
    for (int i = 0; i < 20000; i++) {
        char name[16];
        snprintf(name, sizeof name, "k%d", i);
        cJSON_AddNumberToObject(j, name, i);
    }
    cJSON_AddNumberToObject(j, "ml", 5);
    cJSON_AddNumberToObject(j, "ml", 6);
    v_init(&v, j, NULL);
    v_int(&v, "ml", 0, 0, 10, &ml);
    ok(!v_finish(&v), "unknown fields refused");
    ok(cJSON_GetArraySize(v.errors) == V_MAX_ERRORS, "…at most %d of them named", V_MAX_ERRORS);
    v_free(&v);
    cJSON_Delete(j);
    j = cJSON_Parse("{\"ml\":1,\"ml\":2}");
    v_init(&v, j, NULL);
    v_int(&v, "ml", 0, 0, 10, &ml);
    ok(!v_finish(&v) && strcmp(err_of(&v, "ml"), "appears more than once") == 0,
       "duplicates found in one pass");
    v_free(&v);
    cJSON_Delete(j);
    return done_testing();
}
