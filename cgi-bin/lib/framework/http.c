/* http.c — request getters (headers, captures, query, cookies), per-request
 * memory, and response writers for FastCGI and classic CGI alike. */
#include "framework/http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct arena_block {
    struct arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

/* ---------- request ---------- */

const char *req_env(const struct request *r, const char *name)
{
    return FCGX_GetParam(name, r->envp);
}

const char *req_header(const struct request *r, const char *name)
{
    char key[96] = "HTTP_";
    size_t k = 5;
    for (const char *p = name; *p; p++) {
        if (k + 1 >= sizeof key)
            return NULL;
        char c = *p;
        if (c == '-')
            c = '_';
        else if (c >= 'a' && c <= 'z')
            c = (char)(c - 32);
        key[k++] = c;
    }
    key[k] = '\0';
    return req_env(r, key);
}

const char *req_param(const struct request *r, const char *name)
{
    size_t n = strlen(name);
    for (int i = 0; i < r->nparams; i++)
        if (r->param_name_len[i] == n && memcmp(r->param_names[i], name, n) == 0)
            return r->params[i];
    return "";
}

int query_lookup(const char *query, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = query ? query : "";
    while (*p) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        size_t klen = eq ? (size_t)(eq - p) : len;
        if (klen == nlen && memcmp(p, name, nlen) == 0) {
            const char *v = eq ? eq + 1 : p + len;
            size_t vlen = (size_t)(p + len - v);
            return pct_decode(v, vlen, out, outsz, true) < 0 ? -1 : 1;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int req_query(struct request *r, const char *name, const char **out)
{
    size_t cap = strlen(r->query) + 1;
    char *buf = req_alloc(r, cap);
    if (!buf)
        return -1;
    int rc = query_lookup(r->query, name, buf, cap);
    *out = rc == 1 ? buf : NULL;
    return rc;
}

bool cookie_lookup(const char *header, const char *name, char *out, size_t outsz)
{
    size_t nlen = strlen(name);
    const char *p = header;
    while (p && *p) {
        while (*p == ' ' || *p == '\t' || *p == ';')
            p++;
        const char *end = strchr(p, ';');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (eq && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
            const char *v = eq + 1;
            size_t vlen = (size_t)(p + len - v);
            while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            if (vlen + 1 > outsz)
                return false;
            memcpy(out, v, vlen);
            out[vlen] = '\0';
            return true;
        }
        p = end;
    }
    return false;
}

bool req_cookie(const struct request *r, const char *name, char *out, size_t outsz)
{
    return cookie_lookup(req_env(r, "HTTP_COOKIE"), name, out, outsz);
}

const char *req_client_addr(const struct request *r)
{
    const char *a = req_env(r, "REMOTE_ADDR");
    return a ? a : "";
}

bool req_is_https(const struct request *r)
{
    const char *h = req_env(r, "HTTPS");
    const char *scheme = req_env(r, "REQUEST_SCHEME");
    return (h && ascii_ieq(h, "on")) || (scheme && strcmp(scheme, "https") == 0);
}

/* `origin` equals `url` up to a trailing slash on url. */
static bool origin_is(const char *origin, const char *url)
{
    size_t n = strlen(url);
    if (n && url[n - 1] == '/')
        n--;
    return strlen(origin) == n && strncmp(origin, url, n) == 0;
}

bool req_same_origin(const struct request *r)
{
    const char *site = req_header(r, "Sec-Fetch-Site");
    if (site)
        return strcmp(site, "same-origin") == 0;
    const char *origin = req_header(r, "Origin");
    if (!origin)
        return true;
    const char *pub = getenv("PUBLIC_URL");
    if (pub && *pub && origin_is(origin, pub))
        return true;
    const char *host = req_env(r, "HTTP_HOST");
    char own[300];
    int n =
        host ? snprintf(own, sizeof own, "%s://%s", req_is_https(r) ? "https" : "http", host) : -1;
    return n > 0 && (size_t)n < sizeof own && strcmp(origin, own) == 0;
}

const char *req_base_url(struct request *r)
{
    const char *pub = getenv("PUBLIC_URL");
    if (pub && *pub) {
        size_t n = strlen(pub);
        char *u = req_strdup(r, pub);
        if (u && n && u[n - 1] == '/')
            u[n - 1] = '\0';
        return u ? u : "";
    }
    return "";
}

bool content_type_is_json(const char *ct)
{
    static const char want[] = "application/json";
    if (!ct || !ascii_nieq(ct, want, sizeof want - 1))
        return false;
    const char *rest = ct + sizeof want - 1;
    while (*rest == ' ')
        rest++;
    return *rest == '\0' || *rest == ';';
}

/* One linear pass before cJSON sees the text: cJSON's own costs are linear,
 * but what handlers do with a parsed object is not always (each field lookup
 * walks the members), so the shape is bounded here, where it is cheap. Only
 * the structure outside strings is counted; malformed text is left for cJSON
 * to refuse. */
const char *json_body_problem(const char *body, size_t len)
{
    if (!body || body[len] != '\0' || memchr(body, '\0', len))
        return "The body must not contain NUL bytes";
    bool in_object[JSON_MAX_DEPTH + 1] = {false};
    unsigned members[JSON_MAX_DEPTH + 1] = {0};
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = body[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\') {
                /* "\u0000" would become a NUL that silently ends the string
                 * in C; "\\u0000" (an escaped backslash) is plain text. */
                if (i + 5 < len && body[i + 1] == 'u' && memcmp(body + i + 2, "0000", 4) == 0)
                    return "Strings must not contain \\u0000";
                i++;
            }
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '{':
        case '[':
            if (depth == JSON_MAX_DEPTH)
                return "The body is nested too deeply";
            depth++;
            in_object[depth] = c == '{';
            members[depth] = 0;
            break;
        case '}':
        case ']':
            if (depth > 0)
                depth--;
            break;
        case ':':
            if (depth > 0 && in_object[depth] && ++members[depth] > JSON_MAX_MEMBERS)
                return "An object in the body has too many fields";
            break;
        default:
            break;
        }
    }
    return NULL;
}

cJSON *json_parse_body(const char *body, size_t len)
{
    if (json_body_problem(body, len))
        return NULL;
    /* cJSON looks for the terminating NUL only within `len`, so it has to
     * be counted in; otherwise every body fails the trailing-garbage check. */
    return cJSON_ParseWithLengthOpts(body, len + 1, NULL, true);
}

void *req_alloc(struct request *r, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    struct arena_block *b = r->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 8192 ? n : 8192;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = r->arena;
        r->arena = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *req_strdup(struct request *r, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = req_alloc(r, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *req_printf(struct request *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = req_alloc(r, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void req_arena_free(struct request *r)
{
    while (r->arena) {
        struct arena_block *next = r->arena->next;
        free(r->arena);
        r->arena = next;
    }
}

void json_add_int64(cJSON *o, const char *name, int64_t v)
{
    char digits[24];
    snprintf(digits, sizeof digits, "%lld", (long long)v);
    cJSON_AddRawToObject(o, name, digits);
}

/* ---------- response ---------- */

const char *status_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

static bool out_write(struct request *r, const void *data, size_t n)
{
    /* A detached request has no streams here (r->out is NULL): writing must
     * stop, not fall through to stdout. */
    if (r->broken || r->detached)
        return false;
    r->bytes_out += n;
    if (r->out) {
        if (n && FCGX_PutStr(data, (int)n, r->out) != (int)n) {
            r->broken = true;
            return false;
        }
        return true;
    }
    if (r->sink) {
        if (!buf_append(r->sink, data, n))
            r->broken = true;
        return !r->broken;
    }
    if (n && fwrite(data, 1, n, stdout) != n) {
        r->broken = true;
        return false;
    }
    return true;
}

void resp_forget(struct request *r)
{
    r->head_sent = false;
    r->status = 0;
    r->broken = false;
    buf_reset(&r->headers);
}

bool resp_send_held(struct request *r, const struct buf *held)
{
    r->bytes_out -= held->len; /* counted once already, as they were held */
    return out_write(r, held->p ? held->p : "", held->len);
}

bool resp_flush(struct request *r)
{
    if (r->broken || r->detached)
        return false;
    if (r->sink)
        return true;
    int rc = r->out ? FCGX_FFlush(r->out) : fflush(stdout);
    if (rc != 0)
        r->broken = true;
    return rc == 0;
}

static bool header_text_ok(const char *s)
{
    for (; *s; s++)
        if (*s == '\r' || *s == '\n')
            return false;
    return true;
}

void resp_header(struct request *r, const char *name, const char *value)
{
    if (r->head_sent || !header_text_ok(name) || !header_text_ok(value))
        return;
    buf_printf(&r->headers, "%s: %s\r\n", name, value);
}

bool resp_begin(struct request *r, int status, const char *content_type)
{
    if (r->head_sent)
        return false;
    struct buf head;
    buf_init(&head, 16384);
    buf_printf(&head, "Status: %d %s\r\n", status, status_reason(status));
    if (content_type)
        buf_printf(&head, "Content-Type: %s\r\n", content_type);
    if (r->headers.len)
        buf_append(&head, r->headers.p, r->headers.len);
    buf_puts(&head, "\r\n");
    r->status = status;
    r->head_sent = true;
    bool ok = !head.oom && out_write(r, head.p, head.len);
    buf_free(&head);
    return ok;
}

bool resp_write(struct request *r, const void *data, size_t n)
{
    return out_write(r, data, n);
}

void resp_raw(struct request *r, int status, const char *content_type, const char *body, size_t len)
{
    char clen[32];
    snprintf(clen, sizeof clen, "%zu", len);
    resp_header(r, "Content-Length", clen);
    if (resp_begin(r, status, content_type))
        out_write(r, body, len);
}

void resp_json(struct request *r, int status, cJSON *body)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    if (!text) {
        resp_header(r, "Cache-Control", "no-store");
        static const char oom[] =
            "{\"error\":{\"code\":\"internal\",\"message\":\"Out of memory\"}}";
        resp_raw(r, 500, "application/json", oom, sizeof oom - 1);
        return;
    }
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, status, "application/json", text, strlen(text));
    free(text);
}

void resp_error_fields(struct request *r, int status, const char *code, const char *message,
                       cJSON *fields)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(err, "code", code);
    cJSON_AddStringToObject(err, "message", message);
    if (fields)
        cJSON_AddItemToObject(err, "fields", fields);
    resp_json(r, status, root);
}

void resp_error(struct request *r, int status, const char *code, const char *message)
{
    resp_error_fields(r, status, code, message, NULL);
}

void resp_field_error(struct request *r, const char *field, const char *message)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, field, message);
    resp_error_fields(r, 400, "validation_failed", "Some fields are missing or invalid", f);
}

void resp_no_content(struct request *r)
{
    resp_raw(r, 204, NULL, "", 0);
}

void resp_internal(struct request *r)
{
    resp_error(r, 500, "internal", "The server could not do this; please try again");
}

void resp_redirect(struct request *r, const char *location)
{
    resp_header(r, "Location", location);
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, 303, "text/plain; charset=utf-8", "", 0);
}
