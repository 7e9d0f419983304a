/* valuecheck.c — the server's verdicts on a file of entry values, for
 * tests/t0210-catalogue.sh: reads {"cases": [{type, value, preset?}, ...]}
 * and prints a JSON array with, per case, the sorted names of the fields
 * entry_value_check refuses ("value" when the value is no object, "type"
 * for an unknown type, as PUT /entries would say). The app's side is
 * tests/tools/valuecheck-js.mjs.
 *   valuecheck FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "data/entry.h"
#include "framework/valid.h"

#define MAX_FILE (4 << 20)

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, MAX_FILE + 1, f) : 0;
    bool bad = ferror(f) || n > MAX_FILE;
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The refused fields of one case, as a sorted JSON array of names. */
static cJSON *verdict(const cJSON *c)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "type");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(c, "value");
    bool preset = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "preset"));
    cJSON *out = cJSON_CreateArray();
    bool known = false;
    for (const char *const *t = entry_types(); cJSON_IsString(type) && *t; t++)
        known = known || strcmp(*t, type->valuestring) == 0;
    if (!known) {
        cJSON_AddItemToArray(out, cJSON_CreateString("type"));
        return out;
    }
    struct vobj v;
    v_init(&v, NULL, NULL);
    entry_value_check(&v, type->valuestring, value, preset);
    const char *names[64];
    size_t n = 0;
    for (const cJSON *e = v.errors ? v.errors->child : NULL; e && n < 64; e = e->next) {
        const char *name = e->string;
        names[n++] = strncmp(name, "value.", 6) == 0 ? name + 6 : name;
    }
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(out, cJSON_CreateString(names[i]));
    v_free(&v);
    return out;
}

int main(int argc, char **argv)
{
    size_t len = 0;
    char *text = argc == 2 ? slurp(argv[1], &len) : NULL;
    if (!text) {
        fprintf(stderr, "usage: valuecheck FILE (a readable JSON file under 4 MiB)\n");
        return 2;
    }
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(doc, "cases");
    if (!cJSON_IsArray(cases)) {
        fprintf(stderr, "valuecheck: %s has no \"cases\" array\n", argv[1]);
        cJSON_Delete(doc);
        return 2;
    }
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *c = cases->child; c; c = c->next)
        cJSON_AddItemToArray(out, verdict(c));
    char *printed = cJSON_PrintUnformatted(out);
    int rc = printed && puts(printed) >= 0 ? 0 : 1;
    free(printed);
    cJSON_Delete(out);
    cJSON_Delete(doc);
    return rc;
}
