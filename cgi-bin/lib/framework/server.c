/* server.c — the program runner: FastCGI worker threads on FCGX_Accept_r (or
 * one classic CGI request), request dispatch through the route table, body
 * limits, access checks, per-request logging and clean shutdown. */
#define _GNU_SOURCE
#include "framework/server.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "framework/access.h"
#include "framework/commit.h"
#include "data/catalogue.h"
#include "framework/config.h"
#include "framework/wake.h"
#include "framework/log.h"
#include "framework/metrics.h"

extern char **environ;

/* ---------- database per worker ---------- */

bool database_prepare(char *err, size_t errsz)
{
    struct db d;
    if (db_open(&d, cfg.db_path, err, errsz) != 0)
        return false;
    enum migrate_result rc =
        db_migrate(&d, carelog_migrations, carelog_migrations_count, err, errsz);
    db_close(&d);
    return rc == MIGRATE_OK;
}

struct db *worker_db(struct worker *w)
{
    if (w->db_ready)
        return &w->db;
    long long now = mono_us();
    if (now < w->db_retry_after_us)
        return NULL;
    char err[256];
    if (db_open(&w->db, cfg.db_path, err, sizeof err) != 0) {
        log_event("error", "db_open_failed", err);
        w->db_retry_after_us = now + 1000000;
        return NULL;
    }
    /* Every program brings the schema up to date, and refuses a newer one. */
    enum migrate_result rc =
        db_migrate(&w->db, carelog_migrations, carelog_migrations_count, err, sizeof err);
    if (rc != MIGRATE_OK) {
        log_event("error", rc == MIGRATE_TOO_NEW ? "db_schema_too_new" : "db_migrate_failed", err);
        db_close(&w->db);
        w->db_retry_after_us = now + 1000000;
        return NULL;
    }
    w->db_ready = true;
    return &w->db;
}

/* ---------- transactions ---------- */

bool req_begin(struct request *r)
{
    if (db_begin(r->db))
        return true;
    resp_error(r, 503, "db_busy", "The database is busy; try again");
    return false;
}

bool req_commit(struct request *r)
{
    if (db_commit(r->db))
        return true;
    db_rollback(r->db);
    resp_error(r, 503, "db_busy", "The change could not be saved; try again");
    return false;
}

/* ---------- dispatch ---------- */

static bool read_body(struct request *r, size_t max)
{
    const char *cl = req_env(r, "CONTENT_LENGTH");
    int64_t len = 0;
    if (cl && *cl && !parse_int64(cl, &len)) {
        resp_error(r, 400, "bad_request", "Content-Length is not a number");
        return false;
    }
    if (len < 0) {
        resp_error(r, 400, "bad_request", "Content-Length is negative");
        return false;
    }
    if ((uint64_t)len > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "The request body is larger than %zu bytes", max);
        resp_error(r, 413, "payload_too_large", msg);
        return false;
    }
    if (r->detached)
        return false; /* its input belongs to the new owner */
    r->body = malloc((size_t)len + 1);
    if (!r->body) {
        resp_error(r, 503, "overloaded", "Out of memory");
        return false;
    }
    size_t got = 0;
    while (got < (size_t)len) {
        int n;
        if (r->in) {
            n = FCGX_GetStr(r->body + got, (int)((size_t)len - got), r->in);
        } else if (r->mem_body) {
            size_t m = r->mem_body_len - got < (size_t)len - got ? r->mem_body_len - got
                                                                 : (size_t)len - got;
            memcpy(r->body + got, r->mem_body + got, m);
            n = (int)m;
        } else {
            size_t m = fread(r->body + got, 1, (size_t)len - got, stdin);
            n = (int)m;
        }
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != (size_t)len) {
        resp_error(r, 400, "bad_request", "The request body ended early");
        return false;
    }
    r->body[got] = '\0';
    r->body_len = got;
    return true;
}

bool read_json_body(struct request *r)
{
    const char *ct = req_env(r, "CONTENT_TYPE");
    const char *cl = req_env(r, "CONTENT_LENGTH");
    bool has_body = cl && *cl && strcmp(cl, "0") != 0;
    if (has_body && !content_type_is_json(ct)) {
        resp_error(r, 415, "unsupported_media_type", "Send the body as application/json");
        return false;
    }
    if (!read_body(r, cfg.max_body))
        return false;
    if (r->body_len == 0) {
        resp_error(r, 400, "invalid_json", "A JSON object body is required");
        return false;
    }
    const char *problem = json_body_problem(r->body, r->body_len);
    if (problem) {
        resp_error(r, 400, "invalid_json", problem);
        return false;
    }
    r->json = json_parse_body(r->body, r->body_len);
    if (!r->json) {
        resp_error(r, 400, "invalid_json", "The body is not valid JSON");
        return false;
    }
    if (!cJSON_IsObject(r->json)) {
        resp_error(r, 400, "invalid_json", "The body must be a JSON object");
        return false;
    }
    return true;
}

bool read_raw_body(struct request *r, size_t max)
{
    return read_body(r, max);
}

static bool split_uri(struct request *r)
{
    const char *uri = req_env(r, "REQUEST_URI");
    if (!uri || uri[0] != '/')
        uri = "/";
    size_t plen = strcspn(uri, "?#");
    if (plen >= sizeof r->path)
        return false;
    memcpy(r->path, uri, plen);
    r->path[plen] = '\0';
    const char *q = req_env(r, "QUERY_STRING");
    if (!q)
        q = uri[plen] == '?' ? uri + plen + 1 : "";
    r->query = q;
    return true;
}

static bool decode_params(struct request *r, const struct route_capture *caps, int n)
{
    for (int i = 0; i < n; i++) {
        r->param_names[i] = caps[i].name;
        r->param_name_len[i] = caps[i].name_len;
        if (pct_decode(caps[i].value, caps[i].value_len, r->params[i], sizeof r->params[i], false) <
            0)
            return false;
    }
    r->nparams = n;
    return true;
}

void handle_request(const struct program *p, struct request *r)
{
    r->started_us = mono_us();
    buf_init(&r->headers, 8192);
    const char *m = req_env(r, "REQUEST_METHOD");
    r->method = m ? m : "GET";

    struct route_capture caps[REQ_MAX_PARAMS];
    int ncaps = 0;
    bool path_known = false;
    char allow[64];
    if (!split_uri(r)) {
        resp_error(r, 414, "uri_too_long", "The request path is too long");
    } else if (!(r->route = route_find(p->routes, p->nroutes, r->method, r->path, caps,
                                       REQ_MAX_PARAMS, &ncaps, &path_known, allow, sizeof allow))) {
        if (path_known) {
            resp_header(r, "Allow", allow);
            resp_error(r, 405, "method_not_allowed", "This method is not allowed here");
        } else {
            resp_error(r, 404, "not_found", "No such API path");
        }
    } else if (!decode_params(r, caps, ncaps)) {
        resp_error(r, 404, "not_found", "No such resource");
    } else if (!(r->route->flags & ROUTE_NO_DB) && !(r->db = worker_db(r->worker))) {
        resp_error(r, 503, "db_unavailable", "The database is not available");
    } else if (access_check(r) && (!(r->route->flags & ROUTE_JSON) || read_json_body(r))) {
        if (r->route->flags & ROUTE_WRITE)
            commit_run(r);
        else
            r->route->handler(r);
        if (!r->head_sent) {
            log_event("error", "no_response", r->route->pattern);
            resp_internal(r);
        }
    }
    /* A detached request belongs to someone else now (see request_detach):
     * not one more byte from this thread. */
    if (!r->detached)
        resp_flush(r);
    int64_t took_us = mono_us() - r->started_us;
    log_request(r->method, r->route ? r->route->pattern : NULL, r->status, took_us);
    metrics_request(r->route, r->status, took_us);
    if (r->worker && r->worker->db_ready)
        db_release_all(&r->worker->db);
    request_cleanup(r);
}

void request_cleanup(struct request *r)
{
    cJSON_Delete(r->json);
    r->json = NULL;
    free(r->body);
    r->body = NULL;
    access_release(r);
    buf_free(&r->headers);
    req_arena_free(r);
}

/* ---------- FastCGI workers ---------- */

static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;

FCGX_Request *request_detach(struct request *r)
{
    if (!r->fcgx || r->detached)
        return NULL;
    /* What the handler wrote goes out now, from this thread, while it still
     * owns the stream: after the hand-over the new owner is its only writer
     * (libfcgi streams have no lock; two writers interleave or corrupt
     * records). */
    if (!resp_flush(r))
        return NULL;
    /* The logger and the dispatcher still want the method after the handler
     * returns, but it points into the request's environment, which the new
     * owner frees with FCGX_Finish_r (maybe before this thread logs). */
    const char *method = req_strdup(r, r->method);
    if (!method)
        return NULL;
    FCGX_Request *fr = r->fcgx;
    r->method = method;
    r->query = "";
    r->detached = true;
    r->fcgx = NULL;
    r->in = r->out = NULL;
    r->envp = NULL;
    return fr;
}

static FCGX_Request *new_fcgx_request(void)
{
    FCGX_Request *fr = calloc(1, sizeof *fr);
    if (fr && FCGX_InitRequest(fr, 0, 0) != 0) {
        free(fr);
        fr = NULL;
    }
    if (!fr)
        log_event("error", "fcgx_init_request_failed", "");
    return fr;
}

/* Ends a request. libfcgi's own close is "graceful": it waits for lighttpd
 * to hang up first, which kept workers idle for a fifth of their time. A
 * plain close is safe once the request body has been read to its end, so
 * the rest of a small body is read and the wait skipped (libfcgi's
 * `detached` flag means exactly "close without the handshake"). */
static void finish_quickly(FCGX_Request *fr)
{
    char sink[4096];
    int left = 16;
    while (left-- > 0 && FCGX_GetStr(sink, sizeof sink, fr->in) > 0)
        ;
    if (FCGX_HasSeenEOF(fr->in))
        fr->detached = 1;
    FCGX_Finish_r(fr);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    FCGX_Request *fr = new_fcgx_request();
    while (fr) {
        pthread_mutex_lock(&accept_lock);
        int rc = FCGX_Accept_r(fr);
        pthread_mutex_unlock(&accept_lock);
        if (rc < 0)
            break;
        struct request r = {
            .in = fr->in, .out = fr->out, .envp = fr->envp, .worker = w, .fcgx = fr};
        handle_request(w->prog, &r);
        if (r.detached) {
            fr = new_fcgx_request(); /* the old one now belongs to the handler */
            continue;
        }
        finish_quickly(fr);
        /* A big answer (a 5000-entry sync page) leaves megabytes in this
         * thread's malloc arena, which glibc would otherwise keep, and fills
         * the connection's page cache, which the next write by anyone makes
         * stale anyway (SQLite drops it when another connection wrote). */
        if (r.bytes_out + r.body_len > 256 * 1024) {
            if (w->db_ready)
                sqlite3_db_release_memory(w->db.h);
            malloc_trim(0);
        }
    }
    if (fr) {
        FCGX_Free(fr, 1);
        free(fr);
    }
    if (w->db_ready)
        db_close(&w->db);
    return NULL;
}

/* The signals that stop a FastCGI program. They are blocked in every thread
 * (threads inherit the mask, so this happens before any thread exists) and
 * taken by sigwait in the main thread alone; otherwise one could land on a
 * thread where libfcgi's own handler swallows it. */
static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGUSR1);
}

static int serve_fastcgi(const struct program *p)
{
    if (FCGX_Init() != 0) {
        log_event("error", "fcgx_init_failed", "");
        return 1;
    }
    sigset_t set;
    stop_signals(&set);

    int n = cfg.threads > p->min_threads ? cfg.threads : p->min_threads;
    struct worker *workers = calloc((size_t)n, sizeof *workers);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    if (!workers || !threads) {
        free(workers);
        free(threads);
        return 1;
    }
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 512 * 1024);
    int started = 0;
    for (int i = 0; i < n; i++) {
        workers[i].id = i;
        workers[i].prog = p;
        if (pthread_create(&threads[i], &attr, worker_main, &workers[i]) != 0) {
            log_event("error", "thread_create_failed", strerror(errno));
            break;
        }
        started++;
    }
    pthread_attr_destroy(&attr);

    int sig = 0;
    if (started > 0)
        sigwait(&set, &sig);
    /* Wake every accept(): shutting the listening socket down makes it fail. */
    FCGX_ShutdownPending();
    shutdown(0, SHUT_RDWR);
    for (int i = 0; i < started; i++) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_sec += 3;
        if (pthread_timedjoin_np(threads[i], NULL, &deadline) != 0) {
            /* A request is still running; leave without waiting longer. */
            log_event("warn", "shutdown_timeout", "a worker did not finish in time");
            _exit(0);
        }
    }
    if (p->shutdown)
        p->shutdown();
    commit_shutdown();
    unsigned long long groups, grouped;
    commit_counts(&groups, &grouped);
    if (groups) {
        char detail[64];
        snprintf(detail, sizeof detail, "%llu writes in %llu commits", grouped, groups);
        log_event("info", "group_commit", detail);
    }
    free(workers);
    free(threads);
    return started > 0 ? 0 : 1;
}

static int serve_cgi(const struct program *p)
{
    struct worker w = {.id = 0, .prog = p};
    struct request r = {.in = NULL, .out = NULL, .envp = environ, .worker = &w};
    handle_request(p, &r);
    fflush(stdout);
    if (w.db_ready)
        db_close(&w.db);
    return 0;
}

int program_main(const struct program *p, int argc, char **argv)
{
    log_set_program(p->name);
    for (int i = 1; i < argc; i++) {
        /* The route table for tools: conf/routes.sh makes lighttpd's
         * routing from it, the tests walk it. */
        bool streaming = strcmp(argv[i], "--streaming-routes") == 0;
        if (streaming || strcmp(argv[i], "--routes") == 0) {
            for (size_t k = 0; k < p->nroutes; k++)
                if (!streaming || (p->routes[k].flags & ROUTE_STREAMS))
                    printf("%s %s\n", p->routes[k].method, p->routes[k].pattern);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("%s %s\n", p->name, CARELOG_VERSION);
            return 0;
        }
        fprintf(stderr, "usage: %s [--routes | --streaming-routes | --version]\n", argv[0]);
        return 2;
    }
    char err[600];
    if (!config_load(err, sizeof err)) {
        log_event("error", "bad_config", err);
        return 1;
    }
    if (!access_init(err, sizeof err)) {
        log_event("error", "access_init_failed", err);
        return 1;
    }
    if (!wake_on_commit(cfg.data_dir))
        log_event("warn", "wake_unavailable", "the live stream falls back to polling");
    /* The entry rules, parsed once before any thread needs them. */
    if (!catalogue_init(err, sizeof err)) {
        log_event("error", "bad_catalogue", err);
        return 1;
    }
    bool cgi = FCGX_IsCGI();
    if (!cgi) {
        /* Served together under lighttpd: the entries program's
         * checkpointer keeps the WAL short for all. */
        db_set_checkpointer(true);
        if (!metrics_open(cfg.data_dir, p->name, p->routes, p->nroutes))
            log_event("warn", "metrics_unavailable", "this program's figures are not kept");
        sigset_t set;
        stop_signals(&set);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        signal(SIGPIPE, SIG_IGN);
    }
    if (p->init && !p->init())
        return 1;
    return cgi ? serve_cgi(p) : serve_fastcgi(p);
}
