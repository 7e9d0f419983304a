/* http.h — one HTTP request and its response, the same whether the program
 * runs under FastCGI or as a classic CGI. Handlers see only this. */
#ifndef CARELOG_HTTP_H
#define CARELOG_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <fcgiapp.h>

#include "util/util.h"

#define REQ_MAX_PARAMS 4
#define REQ_PARAM_MAX  128
#define REQ_PATH_MAX   2048

struct db;
struct route;
struct worker;
struct session;

/* A block of per-request memory, freed in one go when the request ends. */
struct arena_block;

struct request {
    /* transport: FastCGI streams, or NULL in classic CGI mode (stdio) */
    FCGX_Stream *in, *out;
    char **envp;
    /* in-memory transport for tests and the handler fuzzer: when set, the
     * body is read from mem_body and the response appended to sink */
    const char *mem_body;
    size_t mem_body_len;
    struct buf *sink;

    const char *method;
    const char *query;       /* raw query string, "" when absent */
    char path[REQ_PATH_MAX]; /* raw (still percent-encoded) path, no query */
    const struct route *route;
    int nparams;
    const char *param_names[REQ_MAX_PARAMS]; /* point into the route pattern */
    size_t param_name_len[REQ_MAX_PARAMS];
    char params[REQ_MAX_PARAMS][REQ_PARAM_MAX]; /* percent-decoded captures */

    char *body;
    size_t body_len;
    cJSON *json; /* the parsed body, for routes that take JSON */

    /* response state */
    int status;
    bool head_sent;
    bool broken;        /* the client went away; further writes are dropped */
    size_t bytes_out;   /* written so far (head and body) */
    struct buf headers; /* extra response header lines */

    struct worker *worker;
    struct db *db;           /* the worker's connection, opened by the dispatcher (not for
                                ROUTE_NO_DB routes) */
    FCGX_Request *fcgx;      /* the FastCGI request (NULL in CGI mode) */
    bool detached;           /* handed to someone else; the worker must not finish it */
    struct session *session; /* set by the access check when signed in */
    int64_t started_us;
    struct arena_block *arena;
};

/* ---- reading the request ---- */
const char *req_env(const struct request *r, const char *name);
/* A request header by its HTTP name ("X-CSRF-Token"), or NULL. */
const char *req_header(const struct request *r, const char *name);
/* A route capture by name ("fid"), percent-decoded; "" if the route has none. */
const char *req_param(const struct request *r, const char *name);
/* Query parameter `name`, decoded into per-request memory.
 * Returns 1 and sets *out when present, 0 when absent, -1 when malformed. */
int req_query(struct request *r, const char *name, const char **out);
/* Cookie `name` into out. Returns true when present and it fit. */
bool req_cookie(const struct request *r, const char *name, char *out, size_t outsz);
/* The client address as lighttpd saw it. */
const char *req_client_addr(const struct request *r);
/* True when the request reached lighttpd over TLS. */
bool req_is_https(const struct request *r);

/* Whether a request that changes state comes from a page of this site (a
 * form we served), as browsers tell it: Sec-Fetch-Site when sent (every
 * current browser) must be "same-origin"; else an Origin header must be
 * this request's own scheme and Host (a page elsewhere cannot choose the
 * Host its request goes to) or PUBLIC_URL. A request with neither header
 * is not from a browser that a page elsewhere could drive, so it passes. */
bool req_same_origin(const struct request *r);

/* The origin to put before links we hand out ("https://care.example"):
 * PUBLIC_URL when set, else "" so the link is a path ("/join/...") that the
 * app resolves against the origin it was loaded from. Never the request's
 * Host header: any client can send "Host: evil.example", and a link built
 * from it would send the invited person there. */
const char *req_base_url(struct request *r);

/* Per-request allocations, released when the request ends. */
void *req_alloc(struct request *r, size_t n);
char *req_strdup(struct request *r, const char *s);
char *req_printf(struct request *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pure helpers behind the getters above, exposed for tests and fuzzing. */
int query_lookup(const char *query, const char *name, char *out, size_t outsz);
bool cookie_lookup(const char *header, const char *name, char *out, size_t outsz);
bool content_type_is_json(const char *ct);
/* Bounds on the shape of a JSON body, checked before it is parsed. */
#define JSON_MAX_DEPTH   32
#define JSON_MAX_MEMBERS 256 /* per object */
/* Why a body may not be parsed (a message for the 400), or NULL: a NUL byte
 * or a "\u0000" escape (C strings would silently end there), nesting deeper
 * than JSON_MAX_DEPTH, an object with more than JSON_MAX_MEMBERS members.
 * Linear in len; body[len] must be its terminating NUL. */
const char *json_body_problem(const char *body, size_t len);
/* Parses a request body: exactly one JSON value with only whitespace around
 * it, and no json_body_problem. NULL when it is not that. */
cJSON *json_parse_body(const char *body, size_t len);

/* Adds an integer that may exceed 32 bits (epoch ms, seqs). cJSON prints
 * such numbers through a slow %.15g/%.17g round trip; these go out as the
 * plain digits. (They are for output: cJSON sees them as raw text.) */
void json_add_int64(cJSON *o, const char *name, int64_t v);

/* ---- writing the response ---- */
/* Adds a response header. Refuses names or values with CR/LF. */
void resp_header(struct request *r, const char *name, const char *value);
/* Sends status + JSON body (Cache-Control: no-store) and frees `body`. */
void resp_json(struct request *r, int status, cJSON *body);
/* Sends a body as is with the given Content-Type. */
void resp_raw(struct request *r, int status, const char *content_type, const char *body,
              size_t len);
/* The error model: {"error":{"code","message","fields"?}}. Takes `fields`. */
void resp_error_fields(struct request *r, int status, const char *code, const char *message,
                       cJSON *fields);
void resp_error(struct request *r, int status, const char *code, const char *message);
/* 400 validation_failed naming one field (or query parameter) and why. */
void resp_field_error(struct request *r, const char *field, const char *message);
/* 204 with no body. */
void resp_no_content(struct request *r);
/* 500 internal: the database (or memory) failed us; the details are logged. */
void resp_internal(struct request *r);
/* 303 to `location` (a path on this site). */
void resp_redirect(struct request *r, const char *location);

/* Streaming responses (SSE, exports): head first, then chunks. */
bool resp_begin(struct request *r, int status, const char *content_type);
bool resp_write(struct request *r, const void *data, size_t n);
bool resp_flush(struct request *r);

const char *status_reason(int status);

/* For the dispatcher: frees the per-request memory. */
void req_arena_free(struct request *r);
/* For the dispatcher's write transactions: forgets the answer begun so far
 * (status, head, extra headers), so another can be given; and sends bytes an
 * answer wrote into a holding buffer (r->sink) on to the real transport. */
void resp_forget(struct request *r);
bool resp_send_held(struct request *r, const struct buf *held);

#endif
