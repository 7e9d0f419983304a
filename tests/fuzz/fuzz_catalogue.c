/* fuzz_catalogue.c — libFuzzer target for the entry catalogue's reader: any
 * bytes either parse into tables or are refused with a reason, never a
 * crash; tables that parse must give default buttons for every person kind,
 * and every type's rules must take any value. The catalogue is our own file,
 * but whoever edits it should get an error message, not a crash. */
#include <string.h>

#include <cjson/cJSON.h>

#include "data/catalogue.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct catalogue *c = NULL;
    char err[512];
    err[0] = '\0';
    if (!catalogue_parse((const char *)data, size, &c, err, sizeof err)) {
        CHECK(c == NULL && err[0]); /* refused with a reason */
        return 0;
    }
    CHECK(c && c->ntypes > 0 && c->type_names && c->person_kinds && c->ncolours > 0);
    for (unsigned kinds = 0; kinds < 8; kinds++) {
        cJSON *g = catalogue_default_buttons(c, kinds);
        CHECK(g != NULL);
        cJSON_Delete(g);
    }
    cJSON *value = cJSON_Parse("{\"method\":\"bottle\",\"wet\":true,\"x\":null,\"amount_ml\":5}");
    for (size_t i = 0; i < c->ntypes; i++) {
        struct vobj v;
        v_init(&v, NULL, NULL);
        cat_value_check(&v, &c->types[i], value, false);
        cat_value_check(&v, &c->types[i], value, true);
        v_free(&v);
        cJSON_Delete(cat_value_normalise(&c->types[i], value));
        (void)cat_is_running(&c->types[i], value);
    }
    cJSON_Delete(value);
    catalogue_free(c);
    return 0;
}
