/* fuzz_entry.c — libFuzzer target for the care log's value rules and the
 * snooze token: the first line picks an entry type (any text), the rest is
 * parsed as a JSON value and checked with entry_value_check as an entry and
 * as a button preset, then normalised; a value that passed must normalise to
 * an object that passes again (the stored form is always valid). The whole
 * input is also tried as a snooze token, which must never be accepted
 * unless it is one we made. */
#include <string.h>

#include <cjson/cJSON.h>

#include "data/entry.h"
#include "fuzz.h"
#include "push/pushmsg.h"
#include "framework/valid.h"

static bool value_ok(const char *type, const cJSON *value, bool preset)
{
    struct vobj v;
    v_init(&v, value, NULL);
    entry_value_check(&v, type, value, preset);
    bool ok = v_ok(&v);
    v_free(&v);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    char id[37];
    if (!memchr(data, '\0', size) && push_snooze_token_check(text, id))
        CHECK(!"a token we never made was accepted");

    char *nl = strchr(text, '\n');
    if (nl) {
        *nl = '\0';
        const char *type = text;
        cJSON *value = cJSON_Parse(nl + 1);
        if (value) {
            bool known = false;
            for (const char *const *t = entry_types(); *t; t++)
                known = known || strcmp(*t, type) == 0;
            bool as_entry = value_ok(type, value, false);
            value_ok(type, value, true);
            cJSON *norm = entry_value_normalise(type, value);
            CHECK(norm == NULL || known); /* only known types normalise */
            if (as_entry && known) {
                CHECK(norm && cJSON_IsObject(norm));
                CHECK(value_ok(type, norm, false)); /* what is stored stays valid */
            }
            cJSON_Delete(norm);
            cJSON_Delete(value);
        }
    }
    free(text);
    return 0;
}
