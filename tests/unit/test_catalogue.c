/* test_catalogue.c — the entry catalogue as the server reads it: the
 * embedded file parses into the tables (types, timers, person kinds and
 * colours, default buttons per kind, derived fields), and a broken
 * catalogue is refused with the place of the mistake named. The value
 * verdicts themselves are held equal to the app's by t0210-catalogue.sh. */
#include <stdlib.h>

#include "data/catalogue.h"
#include "data/entry.h"
#include "tap.h"
#include "data/tz.h"

/* The verdict of a bad catalogue: NULL when it was (wrongly) accepted. */
static char err[1024];
static const char *refusal(const char *json)
{
    struct catalogue *c = NULL;
    if (catalogue_parse(json, strlen(json), &c, err, sizeof err)) {
        catalogue_free(c);
        return NULL;
    }
    return err;
}

/* A small valid catalogue with one type, to vary in the refusals. */
#define HEAD                                                                                       \
    "{\"person_kinds\":[\"baby\",\"adult\"],\"default_person_kind\":\"baby\","                     \
    "\"person_colours\":[\"#123456\"],"
#define GROUPS ",\"button_groups\":[]}"

static bool refused_with(const char *json, const char *needle)
{
    const char *why = refusal(json);
    bool found = why && strstr(why, needle);
    if (!found)
        printf("#   refusal: %s\n#   wanted: %s\n", why ? why : "(accepted)", needle);
    return found;
}

static const char *group_types(const cJSON *groups)
{
    static char out[512];
    size_t used = 0;
    out[0] = '\0';
    for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next) {
        const cJSON *cat = cJSON_GetObjectItemCaseSensitive(g, "category");
        used += (size_t)snprintf(out + used, sizeof out - used, "%s%s:", used ? " " : "",
                                 cat->valuestring);
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(g, "buttons"))
        {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "type");
            used += (size_t)snprintf(
                out + used, sizeof out - used, "%s%s",
                b == cJSON_GetObjectItemCaseSensitive(g, "buttons")->child ? "" : "+",
                t->valuestring);
        }
    }
    return out;
}

int main(void)
{
    char why[600];
    ok(catalogue_init(why, sizeof why), "the embedded catalogue parses");
    const struct catalogue *c = catalogue();
    ok(c->ntypes >= 11, "it has the care log's types (%zu)", c->ntypes);
    is_str(entry_types()[0], "feed", "types keep the file's order");
    ok(entry_type_is_timed("sleep") && !entry_type_is_timed("diaper"), "timed types");

    cJSON *breast = cJSON_Parse("{\"method\":\"breast_left\"}");
    cJSON *bottle = cJSON_Parse("{\"method\":\"bottle\"}");
    cJSON *empty = cJSON_CreateObject();
    ok(entry_is_running("feed", breast), "a breast feed without an end is running");
    ok(!entry_is_running("feed", bottle), "a bottle feed without an end is not");
    ok(entry_is_running("sleep", empty) && !entry_is_running("note", empty),
       "a sleep always, a note never");
    cJSON_Delete(breast);
    cJSON_Delete(bottle);

    is_str(c->person_kinds[0], "baby", "person kinds");
    ok(c->ncolours >= 6 && strlen(c->colours[0]) == 7, "person colours");
    ok(catalogue_kind_bit(c, "adult") && !catalogue_kind_bit(c, "cat"), "kind bits");

    cJSON *g = catalogue_default_buttons(c, 0);
    is_str(group_types(g),
           "feed:feed+feed+feed diaper:diaper+diaper+diaper sleep:sleep "
           "health:temperature+medication+growth",
           "nobody yet: the default kind's buttons (a baby's)");
    cJSON_Delete(g);
    g = catalogue_default_buttons(c, catalogue_kind_bit(c, "child"));
    is_str(group_types(g),
           "feed:feed diaper:diaper+diaper+diaper sleep:sleep health:temperature+medication+growth",
           "a child's buttons");
    cJSON_Delete(g);

    /* A sleep's kind by the hour it starts in the family's zone. */
    const struct tz *utc = tz_get("UTC");
    cJSON *v = cJSON_CreateObject();
    ok(entry_value_derive("sleep", v, utc, 1774818000000LL /* 2026-03-29 21:00Z */) &&
           strcmp(cJSON_GetObjectItemCaseSensitive(v, "kind")->valuestring, "night") == 0,
       "a sleep from 21:00 is a night");
    cJSON_Delete(v);
    v = cJSON_Parse("{\"kind\":\"nap\"}");
    entry_value_derive("sleep", v, utc, 1774818000000LL);
    is_str(cJSON_GetObjectItemCaseSensitive(v, "kind")->valuestring, "nap", "a given kind stays");
    cJSON_Delete(v);
    v = cJSON_CreateObject();
    entry_value_derive("sleep", v, utc, 1774782000000LL /* 11:00Z */);
    is_str(cJSON_GetObjectItemCaseSensitive(v, "kind")->valuestring, "nap", "…from 11:00, a nap");
    cJSON_Delete(v);
    cJSON_Delete(empty);

    /* A broken catalogue is refused, with the place named. */
    ok(refused_with("[1]", "not a JSON object"), "not an object");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"int\",\"max\":3}]}}" GROUPS,
                    "types.x.fields[0].min: is required"),
       "an int without its minimum");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"int\",\"min\":5,\"max\":3}]}}" GROUPS,
                    "types.x.fields[0].max: must not be below min"),
       "bounds the wrong way round");
    ok(refused_with(HEAD
                    "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"elf\"],\"fields\":[]}}" GROUPS,
                    "types.x.for: names elf"),
       "an unknown person kind");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"bool\",\"colour\":1}]}}" GROUPS,
                    "types.x.fields[0].colour: unknown field"),
       "a misspelt key");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"bool\"}],\"rules\":[{\"at_least_one\":[\"a\",\"b\"],"
                         "\"message\":\"m\",\"i18n\":\"k\"}]}}" GROUPS,
                    "types.x.rules[0].at_least_one: names b, not a field"),
       "a rule over a field that does not exist");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"m\",\"kind\":\"enum\",\"options\":[\"p\"]},{\"key\":\"a\",\"kind\":"
                         "\"bool\",\"only_when\":{\"m\":[\"q\"],\"message\":\"no\"}}]}}" GROUPS,
                    "types.x.fields[1]: only_when names q, not an option"),
       "only_when on an option that does not exist");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"timer\":true,"
                         "\"fields\":[]}}" GROUPS,
                    "types.x.timer: is only for timed types"),
       "a timer on an instant");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"int\",\"min\":1,\"max\":3}]}},\"button_groups\":[{"
                         "\"category\":\"c\",\"stateful\":false,\"buttons\":[{\"type\":\"x\","
                         "\"value\":{\"a\":9},\"for\":[\"baby\"]}]}]}",
                    "button_groups[0].buttons[0].value.a: must be between 1 and 3"),
       "a default button whose preset breaks the type's rules");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[]}},"
                         "\"button_groups\":[{\"category\":\"c\",\"stateful\":false,\"buttons\":[{"
                         "\"type\":\"x\",\"value\":{},\"timing\":true,\"for\":[\"baby\"]}]}]}",
                    "button_groups[0].buttons[0].timing: is only for timed types"),
       "a timer button for an instant");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[{\"key\":"
                         "\"a\",\"kind\":\"int\",\"min\":1,\"max\":9,\"normal\":{\"adult\":[2,"
                         "12]}}]}}" GROUPS,
                    "types.x.fields[0].normal: adult: must be [low, high] within min and max"),
       "a normal band outside the field's range");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[]}},"
                         "\"button_groups\":[],\"person_views\":{\"baby\":{\"since\":[\"y\"],"
                         "\"charts\":[\"c\"]},\"adult\":{\"since\":[\"x\"],\"charts\":[\"c\"]}}}",
                    "person_views.baby.since: names y, not a type"),
       "a person view naming a type that does not exist");
    ok(refused_with(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"fields\":[]}},"
                         "\"button_groups\":[],\"person_views\":{\"baby\":{\"since\":[\"x\"],"
                         "\"charts\":[\"c\"]}}}",
                    "person_views: has nothing for adult"),
       "a person kind without a view");
    ok(refusal(HEAD "\"types\":{\"x\":{\"icon\":\"x\",\"for\":[\"baby\"],\"picker\":false,"
                    "\"fields\":[]}}" GROUPS) == NULL,
       "…and the smallest catalogue is fine (a type may stay out of the picker)");
    return done_testing();
}
