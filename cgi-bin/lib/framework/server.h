/* server.h — how a carelog program runs: a route table handed to
 * program_main(), which serves it with N FastCGI worker threads (or once, as
 * a classic CGI). The dispatcher routes each request, opens the database
 * connection (r->db), checks access, reads the JSON body, runs ROUTE_WRITE
 * handlers inside one transaction, and logs the request. */
#ifndef CARELOG_SERVER_H
#define CARELOG_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "data/db.h"
#include "framework/http.h"
#include "framework/route.h"

struct program {
    const char *name;
    const struct route *routes;
    size_t nroutes;
    /* Optional, once before serving; false stops the program. */
    bool (*init)(void);
    /* Optional, once after the workers stopped (e.g. to end an event loop). */
    void (*shutdown)(void);
    /* Worker threads this program runs at least (0: CARELOG_THREADS). */
    int min_threads;
};

/* One per thread: nothing here is shared, so nothing here needs a lock. */
struct worker {
    int id;
    const struct program *prog;
    struct db db;
    bool db_ready;
    long long db_retry_after_us;
};

int program_main(const struct program *p, int argc, char **argv);

/* Ends a program's file: defines `const struct program NAME_program` over
 * the file's `routes` table and, unless the file is built into a harness
 * that links every program (-DCARELOG_NO_MAIN: the handler fuzzer), its
 * main(). INIT and SHUTDOWN are the optional hooks above, or NULL. */
#ifdef CARELOG_NO_MAIN
#define CARELOG_PROGRAM_MAIN(NAME)
#else
#define CARELOG_PROGRAM_MAIN(NAME)                                                                 \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        return program_main(&NAME##_program, argc, argv);                                          \
    }
#endif
#define CARELOG_PROGRAM(NAME, INIT, SHUTDOWN) CARELOG_PROGRAM_THREADS(NAME, INIT, SHUTDOWN, 0)
/* A program whose writes queue (group commit, see commit.h) wants more
 * workers than the rest: a group can only be as large as the number of
 * requests waiting in it, and a larger group shares one fsync among more. */
#define CARELOG_PROGRAM_THREADS(NAME, INIT, SHUTDOWN, MIN_THREADS)                                 \
    const struct program NAME##_program = {.name = #NAME,                                          \
                                           .routes = routes,                                       \
                                           .nroutes = sizeof routes / sizeof routes[0],            \
                                           .init = INIT,                                           \
                                           .shutdown = SHUTDOWN,                                   \
                                           .min_threads = MIN_THREADS};                            \
    CARELOG_PROGRAM_MAIN(NAME)

/* The worker's database connection, opened (and migrated) on first use;
 * NULL when it cannot be had. The dispatcher puts it in r->db before the
 * access check (503 when it cannot), so handlers never open it themselves;
 * only ROUTE_NO_DB routes (/health reports on it) call this. */
struct db *worker_db(struct worker *w);

/* Transactions for handlers that must do slow work (argon2id) before they
 * write, so cannot be ROUTE_WRITE: false when it answered (503 db_busy;
 * req_commit also rolls back). ROUTE_WRITE handlers call neither. */
bool req_begin(struct request *r);
bool req_commit(struct request *r);

/* Runs one request through routing, body parsing, access checks and the
 * handler, then logs it. Used by the FastCGI loop, CGI mode and tests. */
void handle_request(const struct program *p, struct request *r);

/* Reads the body (capped by cfg.max_body → 413); for JSON routes checks the
 * Content-Type (→ 415) and parses an object (→ 400). False when it replied. */
bool read_json_body(struct request *r);

/* Takes the FastCGI request away from its worker so it can stay open after
 * the handler returns (server-sent events). NULL in classic CGI mode, when
 * the client is gone, or when already detached.
 *
 * One owner at a time, never two writers on one stream: request_detach first
 * flushes what the handler wrote, then cuts the request loose from `r`
 * (r->fcgx, r->in, r->out and r->envp become NULL; r->method is copied). From
 * then on the caller alone owns the FCGX_Request and may hand it to another
 * thread; it ends it with FCGX_Finish_r + free. The worker never touches it
 * again: resp_* calls on `r` write nothing, and handle_request neither
 * flushes nor finishes it. */
FCGX_Request *request_detach(struct request *r);

/* Releases what a request holds (arena, body, parsed JSON). */
void request_cleanup(struct request *r);

/* Opens the database and brings its schema up to date. Used at start by
 * programs and carelogctl. */
bool database_prepare(char *err, size_t errsz);

#endif
