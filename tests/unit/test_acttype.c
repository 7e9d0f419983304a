/* test_acttype.c — a family's activity type is checked by the catalogue's
 * own validator: a definition equivalent to a built-in type (a sleep:
 * a duration, a choice of nap or night, a note) gets the same verdict, word
 * for word, as the built-in type for every value tried, and runs as a timer
 * the same way. Also: each custom field kind compiles, and a field kind's
 * template reaches the validator (an amount's unit bounds it). */
#include <stdlib.h>

#include "data/acttype.h"
#include "data/catalogue.h"
#include "tap.h"

/* cat_value_check's errors for a value of type t, as JSON text ("{}" when valid). */
static char *verdict(const struct cat_type *t, const char *value_json)
{
    cJSON *value = cJSON_Parse(value_json);
    struct vobj v;
    cJSON *holder = cJSON_CreateObject();
    v_init(&v, holder, NULL);
    cat_value_check(&v, t, value, false);
    char *out = cJSON_PrintUnformatted(v.errors ? v.errors : holder);
    v_free(&v);
    cJSON_Delete(holder);
    cJSON_Delete(value);
    return out;
}

static struct catalogue *compile_one(const char *key, const char *fields_json)
{
    cJSON *fields = cJSON_Parse(fields_json);
    cJSON *types = cJSON_CreateObject();
    cJSON_AddItemToObject(types, key, acttype_catalogue_type("🛁", fields));
    struct catalogue *c = NULL;
    char err[600];
    if (!acttype_compile(types, &c, err, sizeof err))
        printf("#   %s\n", err);
    cJSON_Delete(types);
    cJSON_Delete(fields);
    return c;
}

int main(void)
{
    char why[600];
    ok(catalogue_init(why, sizeof why), "the embedded catalogue parses");
    const struct cat_type *sleep = catalogue_type(catalogue(), "sleep");
    struct catalogue *fam =
        compile_one("nap_log", "[{\"key\":\"length\",\"kind\":\"duration\"},"
                               "{\"key\":\"kind\",\"kind\":\"choice\",\"options\":["
                               "{\"key\":\"nap\",\"label\":\"Nap\"},{\"key\":\"night\"}]},"
                               "{\"key\":\"notes\",\"kind\":\"note\"}]");
    ok(fam != NULL, "a definition like a sleep compiles");
    const struct cat_type *mine = fam ? catalogue_type(fam, "nap_log") : NULL;
    ok(mine && mine->timed && mine->timer_always, "…a duration makes it timed, a timer");
    ok(mine && mine->nfields == 2, "…the duration is the entry's times, not a value field");

    static const char *const values[] = {
        "{}",
        "{\"kind\":\"nap\"}",
        "{\"kind\":\"night\",\"notes\":\"woke twice\\nthen slept\"}",
        "{\"kind\":\"day\"}",
        "{\"kind\":7}",
        "{\"notes\":5}",
        "{\"notes\":\"\"}",
        "{\"extra\":true}",
        "{\"kind\":\"nap\",\"kind\":\"night\"}",
        "[]",
        "\"text\"",
        "{\"notes\":\"" /* 1001 characters: over the note's 1000 */
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxx\"}",
    };
    int bad = 0;
    for (size_t i = 0; mine && i < sizeof values / sizeof *values; i++) {
        char *a = verdict(sleep, values[i]), *b = verdict(mine, values[i]);
        if (strcmp(a, b) != 0) {
            bad++;
            printf("#   %.60s\n#   built-in: %s\n#   custom:   %s\n", values[i], a, b);
        }
        if (i == 0)
            ok(strcmp(a, "{}") == 0, "an empty sleep is valid");
        if (i == 3)
            ok(strstr(a, "value.kind") != NULL, "a kind that is no option is not: %s", a);
        free(a);
        free(b);
    }
    ok(mine && bad == 0, "the built-in and the custom type give the same verdicts on %zu values",
       sizeof values / sizeof *values);
    cJSON *empty = cJSON_CreateObject();
    ok(mine && cat_is_running(sleep, empty) == cat_is_running(mine, empty),
       "…and run as timers alike");
    cJSON_Delete(empty);
    catalogue_free(fam);

    /* every field kind */
    fam = compile_one("bath",
                      "[{\"key\":\"time\",\"kind\":\"duration\"},"
                      "{\"key\":\"water\",\"kind\":\"amount\",\"unit\":\"ml\"},"
                      "{\"key\":\"toys\",\"kind\":\"count\"},"
                      "{\"key\":\"hair\",\"kind\":\"yes_no\"},"
                      "{\"key\":\"mood\",\"kind\":\"choice\",\"options\":[{\"key\":\"calm\"}]},"
                      "{\"key\":\"soap\",\"kind\":\"text\"},"
                      "{\"key\":\"notes\",\"kind\":\"note\"}]");
    const struct cat_type *bath = fam ? catalogue_type(fam, "bath") : NULL;
    ok(bath && bath->nfields == 6, "a type with every field kind compiles");
    char *good = bath ? verdict(bath, "{\"water\":250.5,\"toys\":3,\"hair\":true,"
                                      "\"mood\":\"calm\",\"soap\":\"lavender\",\"notes\":\"ok\"}")
                      : NULL;
    is_str(good ? good : "", "{}", "…and takes a value of each");
    char *over = bath ? verdict(bath, "{\"water\":5001,\"toys\":1.5,\"hair\":\"yes\"}") : NULL;
    ok(over && strstr(over, "value.water") && strstr(over, "value.toys") &&
           strstr(over, "value.hair"),
       "…an amount over its unit's max, a count that is not whole, yes/no as text: %s",
       over ? over : "");
    free(good);
    free(over);
    catalogue_free(fam);
    return done_testing();
}
