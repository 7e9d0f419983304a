/* valid.c — field validators over cJSON with collected per-field errors. */
#include "framework/valid.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "framework/http.h"
#include "util/util.h"

void v_init(struct vobj *v, const cJSON *obj, const char *prefix)
{
    memset(v, 0, sizeof *v);
    v->obj = obj;
    snprintf(v->prefix, sizeof v->prefix, "%s", prefix ? prefix : "");
    v->errors = cJSON_CreateObject();
    v->owns_errors = true;
}

void v_init_nested(struct vobj *child, struct vobj *parent, const cJSON *obj, const char *name)
{
    memset(child, 0, sizeof *child);
    child->obj = obj;
    int n = snprintf(child->prefix, sizeof child->prefix, "%s%s.", parent->prefix, name);
    if (n < 0 || (size_t)n >= sizeof child->prefix)
        child->prefix[0] = '\0'; /* names are ours and short; never happens */
    child->errors = parent->errors;
    child->owns_errors = false;
}

void v_free(struct vobj *v)
{
    if (v->owns_errors)
        cJSON_Delete(v->errors);
    v->errors = NULL;
}

/* The error list is capped: a body of 90,000 unknown fields gets the first
 * few named, and every call stays O(V_MAX_ERRORS) (the list is searched for
 * the field before adding), so collecting is linear in the body. */
void v_error(struct vobj *v, const char *name, const char *message)
{
    if (!v->errors)
        return;
    char key[160];
    snprintf(key, sizeof key, "%s%s", v->prefix, name);
    int n = 0;
    for (const cJSON *e = v->errors->child; e; e = e->next, n++)
        if (strcmp(e->string, key) == 0)
            return; /* the first error per field wins */
    if (n < V_MAX_ERRORS)
        cJSON_AddStringToObject(v->errors, key, message);
}

static bool errors_full(const struct vobj *v)
{
    int n = 0;
    for (const cJSON *e = v->errors ? v->errors->child : NULL; e; e = e->next)
        n++;
    return n >= V_MAX_ERRORS;
}

bool v_ok(const struct vobj *v)
{
    return !v->errors || !v->errors->child;
}

/* Reports the object itself ("body" at the top, "value" nested) as not an
 * object: every getter on it yields nothing, so one of them must say why. */
static void not_an_object(struct vobj *v)
{
    char key[64];
    snprintf(key, sizeof key, "%s", v->prefix[0] ? v->prefix : "body");
    size_t n = strlen(key);
    if (n && key[n - 1] == '.')
        key[n - 1] = '\0';
    struct vobj top = *v;
    top.prefix[0] = '\0';
    v_error(&top, key, "must be a JSON object");
}

static void mark_known(struct vobj *v, const char *name)
{
    for (int i = 0; i < v->nknown; i++)
        if (strcmp(v->known[i], name) == 0)
            return;
    if (v->nknown < V_MAX_KNOWN)
        v->known[v->nknown++] = name;
}

bool v_has(const struct vobj *v, const char *name)
{
    return cJSON_IsObject(v->obj) && cJSON_GetObjectItemCaseSensitive(v->obj, name) != NULL;
}

bool v_is_null(struct vobj *v, const char *name)
{
    mark_known(v, name);
    return cJSON_IsObject(v->obj) && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(v->obj, name));
}

/* Shared prologue: returns the item when present and not null; reports a
 * missing required field or a null that is not allowed. */
static const cJSON *field(struct vobj *v, const char *name, unsigned flags)
{
    mark_known(v, name);
    if (!cJSON_IsObject(v->obj)) {
        not_an_object(v);
        return NULL;
    }
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(v->obj, name);
    if (!it) {
        if (flags & V_REQUIRED)
            v_error(v, name, "is required");
        return NULL;
    }
    if (cJSON_IsNull(it)) {
        if (flags & V_REQUIRED)
            v_error(v, name, "is required");
        else if (!(flags & V_NULLABLE))
            v_error(v, name, "must not be null");
        return NULL;
    }
    return it;
}

bool utf8_check(const char *s, bool multiline, size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        unsigned c = *p;
        unsigned cp;
        int extra;
        if (c < 0x80) {
            if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
                return false;
            p++;
            n++;
            continue;
        } else if (c >= 0xc2 && c <= 0xdf) {
            cp = c & 0x1f;
            extra = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            cp = c & 0x0f;
            extra = 2;
        } else if (c >= 0xf0 && c <= 0xf4) {
            cp = c & 0x07;
            extra = 3;
        } else {
            return false;
        }
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += extra + 1;
        n++;
    }
    if (chars)
        *chars = n;
    return true;
}

bool v_string(struct vobj *v, const char *name, unsigned flags, size_t min_chars, size_t max_chars,
              const char **out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsString(it) || !it->valuestring) {
        v_error(v, name, "must be a string");
        return false;
    }
    size_t chars;
    if (!utf8_check(it->valuestring, flags & V_MULTILINE, &chars)) {
        v_error(v, name, "must be text without control characters");
        return false;
    }
    char msg[96];
    if (chars < min_chars) {
        if (min_chars == 1)
            snprintf(msg, sizeof msg, "must not be empty");
        else
            snprintf(msg, sizeof msg, "must be at least %zu characters", min_chars);
        v_error(v, name, msg);
        return false;
    }
    if (chars > max_chars) {
        snprintf(msg, sizeof msg, "must be at most %zu characters", max_chars);
        v_error(v, name, msg);
        return false;
    }
    *out = it->valuestring;
    return true;
}

bool v_number(struct vobj *v, const char *name, unsigned flags, double min, double max, double *out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble)) {
        v_error(v, name, "must be a number");
        return false;
    }
    if (it->valuedouble < min || it->valuedouble > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be between %g and %g", min, max);
        v_error(v, name, msg);
        return false;
    }
    *out = it->valuedouble;
    return true;
}

bool v_int(struct vobj *v, const char *name, unsigned flags, int64_t min, int64_t max, int64_t *out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    double d = it->valuedouble;
    if (!cJSON_IsNumber(it) || !isfinite(d) || d != floor(d) || fabs(d) > 9007199254740991.0) {
        v_error(v, name, "must be a whole number");
        return false;
    }
    int64_t i = (int64_t)d;
    if (i < min || i > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be between %lld and %lld", (long long)min, (long long)max);
        v_error(v, name, msg);
        return false;
    }
    *out = i;
    return true;
}

bool v_bool(struct vobj *v, const char *name, unsigned flags, bool *out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsBool(it)) {
        v_error(v, name, "must be true or false");
        return false;
    }
    *out = cJSON_IsTrue(it);
    return true;
}

bool v_enum(struct vobj *v, const char *name, unsigned flags, const char *const *allowed,
            const char **out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (cJSON_IsString(it) && it->valuestring) {
        for (const char *const *a = allowed; *a; a++) {
            if (strcmp(*a, it->valuestring) == 0) {
                *out = *a;
                return true;
            }
        }
    }
    char msg[256] = "must be one of: ";
    for (const char *const *a = allowed; *a; a++) {
        size_t used = strlen(msg);
        snprintf(msg + used, sizeof msg - used, "%s%s", a == allowed ? "" : ", ", *a);
    }
    v_error(v, name, msg);
    return false;
}

bool v_uuid(struct vobj *v, const char *name, unsigned flags, const char **out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsString(it) || !uuid_is_valid(it->valuestring)) {
        v_error(v, name, "must be a lower-case UUID");
        return false;
    }
    *out = it->valuestring;
    return true;
}

bool v_epoch_ms(struct vobj *v, const char *name, unsigned flags, int64_t *out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    double d = it->valuedouble;
    /* The range test comes before the cast: casting a double that does not
     * fit int64 (1e300, infinity) is undefined behaviour. */
    if (!cJSON_IsNumber(it) || d != floor(d) || !(fabs(d) < 9.2e18) ||
        !epoch_ms_is_plausible((int64_t)d)) {
        v_error(v, name, "must be a time in epoch milliseconds (years 2000-2199)");
        return false;
    }
    *out = (int64_t)d;
    return true;
}

bool email_normalise(const char *in, char *out, size_t outsz)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = strlen(in);
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t'))
        n--;
    if (n < 3 || n > 254 || n + 1 > outsz)
        return false;
    size_t at = 0, ats = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '(' || c == ')' ||
            c == ',' || c == ';' || c == '\\')
            return false;
        if (c == '@') {
            at = i;
            ats++;
        }
        out[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    out[n] = '\0';
    if (ats != 1 || at == 0 || at > 64 || at + 1 >= n)
        return false;
    const char *domain = out + at + 1;
    const char *dot = strrchr(domain, '.');
    return dot && dot != domain && dot[1] != '\0' && !strstr(domain, "..") && domain[0] != '.';
}

bool v_email(struct vobj *v, const char *name, unsigned flags, char *out, size_t outsz)
{
    const char *s;
    if (!v_string(v, name, flags, 1, 254, &s))
        return false;
    if (!email_normalise(s, out, outsz)) {
        v_error(v, name, "must be an email address");
        return false;
    }
    return true;
}

bool v_object(struct vobj *v, const char *name, unsigned flags, const cJSON **out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsObject(it)) {
        v_error(v, name, "must be an object");
        return false;
    }
    *out = it;
    return true;
}

bool v_array(struct vobj *v, const char *name, unsigned flags, size_t max_items, const cJSON **out)
{
    const cJSON *it = field(v, name, flags);
    if (!it)
        return false;
    if (!cJSON_IsArray(it)) {
        v_error(v, name, "must be an array");
        return false;
    }
    if ((size_t)cJSON_GetArraySize(it) > max_items) {
        char msg[64];
        snprintf(msg, sizeof msg, "must have at most %zu items", max_items);
        v_error(v, name, msg);
        return false;
    }
    *out = it;
    return true;
}

static int known_index(const struct vobj *v, const char *name)
{
    for (int i = 0; i < v->nknown; i++)
        if (strcmp(v->known[i], name) == 0)
            return i;
    return -1;
}

/* One pass over the members, each compared with the known names only (at
 * most V_MAX_KNOWN), so a body of many fields costs linear time; it stops
 * once the error list is full. */
bool v_finish(struct vobj *v)
{
    if (!cJSON_IsObject(v->obj)) {
        not_an_object(v);
        return false;
    }
    uint64_t seen = 0;
    for (const cJSON *c = v->obj->child; c && !errors_full(v); c = c->next) {
        int k = known_index(v, c->string);
        if (k < 0)
            v_error(v, c->string, "unknown field");
        else if (seen & (UINT64_C(1) << k))
            v_error(v, c->string, "appears more than once");
        else
            seen |= UINT64_C(1) << k;
    }
    return v_ok(v);
}

cJSON *v_take_errors(struct vobj *v)
{
    if (v_ok(v))
        return NULL;
    cJSON *e = v->errors;
    v->errors = v->owns_errors ? NULL : v->errors;
    if (v->owns_errors) {
        v->owns_errors = false;
        return e;
    }
    return cJSON_Duplicate(e, true);
}

void v_reply(struct request *r, struct vobj *v)
{
    cJSON *fields = v_take_errors(v);
    resp_error_fields(r, 400, "validation_failed", "Some fields are missing or invalid", fields);
    v_free(v);
}

bool v_accept(struct request *r, struct vobj *v)
{
    if (!v_finish(v)) {
        v_reply(r, v);
        return false;
    }
    v_free(v);
    return true;
}

bool query_int(struct request *r, const char *name, int64_t min, int64_t max, int64_t def,
               int64_t *out)
{
    const char *text = NULL;
    int rc = req_query(r, name, &text);
    if (rc == 0) {
        *out = def;
        return true;
    }
    int64_t v;
    if (rc == 1 && parse_int64(text, &v) && v >= min && v <= max) {
        *out = v;
        return true;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "must be a whole number between %lld and %lld", (long long)min,
             (long long)max);
    cJSON *fields = cJSON_CreateObject();
    cJSON_AddStringToObject(fields, name, msg);
    resp_error_fields(r, 400, "validation_failed", "A query parameter is invalid", fields);
    return false;
}
