/* commit.c — group commit of ROUTE_WRITE handlers (see commit.h).
 *
 * Why: with synchronous=FULL every commit is an fsync of the WAL, by far the
 * dearest part of a write; SQLite admits one writer at a time anyway. Writes
 * that queue while one group commits form the next group, so under load a
 * group grows to the number of waiting requests and the fsync is shared,
 * while a lone write is committed at once (nothing waits to gather).
 *
 * A follower's handler runs on the leader's thread with the leader's
 * connection (r->db is swapped for the run). That is safe because the
 * follower's thread does nothing but wait on `done` meanwhile: its request,
 * arena and session are touched by one thread at a time. Its answer goes
 * into a holding buffer, which the follower itself sends once woken. */
#include "framework/commit.h"

#include <pthread.h>

#include "data/db.h"
#include "framework/http.h"
#include "framework/metrics.h"
#include "framework/route.h"
#include "util/util.h"

enum outcome { PENDING, KEPT, UNDONE, FAILED };

struct job {
    struct request *r;
    struct buf held; /* the answer, until the group is committed */
    enum outcome outcome;
    bool done; /* under group.lock: the group is committed (or failed) */
    struct job *next;
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t done;
    struct job *head, **tail;
    bool leading;                        /* a thread is running and committing a group */
    unsigned long long groups, requests; /* committed so far, for the figures */
} group = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, &group.head, false, 0, 0};

static bool exec(struct db *d, const char *sql)
{
    return sqlite3_exec(d->h, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* One handler inside the group's transaction, in a savepoint of its own. */
static void run_one(struct db *d, struct job *j)
{
    struct request *r = j->r;
    if (!exec(d, "SAVEPOINT request")) {
        j->outcome = FAILED;
        return;
    }
    struct db *own = r->db;
    struct buf *outer = r->sink;
    r->db = d;
    r->sink = &j->held;
    r->route->handler(r);
    r->sink = outer;
    r->db = own;
    bool keep = r->head_sent && r->status < 400 && !j->held.oom;
    if (keep) {
        j->outcome = exec(d, "RELEASE request") ? KEPT : FAILED;
    } else {
        exec(d, "ROLLBACK TO request");
        exec(d, "RELEASE request");
        j->outcome = UNDONE;
    }
}

/* Runs and commits one group on the leader's connection. */
static void commit_group(struct db *d, struct job *list)
{
    int n = 0;
    bool begun = db_begin(d);
    for (struct job *j = list; j; j = j->next, n++) {
        if (begun)
            run_one(d, j);
        else
            j->outcome = FAILED;
    }
    if (begun && !db_commit(d)) {
        db_rollback(d);
        for (struct job *j = list; j; j = j->next)
            if (j->outcome == KEPT)
                j->outcome = FAILED;
    }
    pthread_mutex_lock(&group.lock);
    group.groups++;
    group.requests += (unsigned long long)n;
    pthread_mutex_unlock(&group.lock);
    metrics_add(M_COMMIT_GROUPS, 1);
    metrics_add(M_COMMIT_WRITES, n);
}

void commit_counts(unsigned long long *groups, unsigned long long *requests)
{
    pthread_mutex_lock(&group.lock);
    *groups = group.groups;
    *requests = group.requests;
    pthread_mutex_unlock(&group.lock);
}

/* The answer a request's own thread sends once its group is done. */
static void answer(struct request *r, struct job *j)
{
    if (j->outcome == FAILED) {
        resp_forget(r);
        resp_error(r, 503, "db_busy", "The change could not be saved; try again");
    } else if (r->head_sent) {
        resp_send_held(r, &j->held);
    }
}

void commit_run(struct request *r)
{
    struct job me = {.r = r, .outcome = PENDING};
    buf_init(&me.held, 64u << 20);
    pthread_mutex_lock(&group.lock);
    *group.tail = &me;
    group.tail = &me.next;
    /* `done`, not the outcome, ends the wait: a job's outcome is known as soon
     * as its handler ran, but it may be answered only once the whole group
     * is committed (a wake-up meant for the previous group must not let it
     * answer early). */
    while (!me.done) {
        if (group.leading) {
            pthread_cond_wait(&group.done, &group.lock);
            continue;
        }
        /* Lead: take everything waiting (our own job among it). */
        group.leading = true;
        struct job *list = group.head;
        group.head = NULL;
        group.tail = &group.head;
        pthread_mutex_unlock(&group.lock);
        commit_group(r->db, list);
        pthread_mutex_lock(&group.lock);
        for (struct job *j = list; j; j = j->next)
            j->done = true;
        group.leading = false;
        pthread_cond_broadcast(&group.done);
    }
    pthread_mutex_unlock(&group.lock);
    answer(r, &me);
    buf_free(&me.held);
}
