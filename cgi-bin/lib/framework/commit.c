/* commit.c — group commit of ROUTE_WRITE handlers (see commit.h).
 *
 * Why: with synchronous=FULL every commit is an fsync of the WAL, by far the
 * dearest part of a write; SQLite admits one writer at a time anyway. Writes
 * that queue while one group commits form the next group, so under load a
 * group grows to the number of waiting requests and the fsync is shared,
 * while a lone write is committed at once (nothing waits to gather).
 *
 * Every group runs on one connection of its own, the writer, whichever
 * thread leads (only the leader touches it). Why: SQLite drops a
 * connection's whole page cache when it sees that another connection has
 * written; with each worker's connection taking turns to write, every write
 * began by reading its pages (the tables, six indexes) from the files again.
 * The writer sees only its own writes, so its cache stays warm.
 *
 * A follower's handler runs on the leader's thread with the writer (r->db
 * is swapped for the run). That is safe because the follower's thread does
 * nothing but wait on `done` meanwhile: its request, arena and session are
 * touched by one thread at a time. Its answer goes into a holding buffer,
 * which the follower itself sends once woken. */
#include "framework/commit.h"

#include <pthread.h>

#include "data/db.h"
#include "framework/config.h"
#include "framework/http.h"
#include "framework/log.h"
#include "framework/metrics.h"
#include "framework/route.h"
#include "util/util.h"

enum outcome { PENDING, KEPT, UNDONE, FAILED };

struct job {
    struct request *r;
    struct buf held; /* the answer, until the group is committed */
    enum outcome outcome;
    bool done;           /* under group.lock: the group is committed (or failed) */
    pthread_cond_t wake; /* this job's thread: its group is done, or it is to lead */
    struct job *next;
};

static struct {
    pthread_mutex_t lock;
    struct job *head, **tail;
    bool leading;                        /* a thread is running and committing a group */
    unsigned long long groups, requests; /* committed so far, for the figures */
} group = {PTHREAD_MUTEX_INITIALIZER, NULL, &group.head, false, 0, 0};

/* The writer connection: used by the leading thread alone (group.leading
 * hands it over), opened at the first group. */
static struct {
    struct db db;
    bool ready;
    long long retry_after_us;
} writer;

/* The writer, or the leader's own connection while the writer cannot be
 * opened (tried again a second later; the writes go through either way). */
static struct db *writer_db(struct db *own)
{
    if (writer.ready)
        return &writer.db;
    long long now = mono_us();
    if (now < writer.retry_after_us)
        return own;
    char err[256];
    if (db_open(&writer.db, cfg.db_path, err, sizeof err) != 0) {
        log_event("error", "db_open_failed", err);
        writer.retry_after_us = now + 1000000;
        return own;
    }
    writer.ready = true;
    return &writer.db;
}

void commit_shutdown(void)
{
    if (writer.ready)
        db_close(&writer.db);
    writer.ready = false;
}

/* One handler inside the group's transaction, in a savepoint of its own. */
static void run_one(struct db *d, struct job *j)
{
    struct request *r = j->r;
    if (!db_exec(d, "SAVEPOINT request")) {
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
        j->outcome = db_exec(d, "RELEASE request") ? KEPT : FAILED;
    } else {
        db_exec(d, "ROLLBACK TO request");
        db_exec(d, "RELEASE request");
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
    pthread_cond_init(&me.wake, NULL);
    pthread_mutex_lock(&group.lock);
    *group.tail = &me;
    group.tail = &me.next;
    /* `done`, not the outcome, ends the wait: a job's outcome is known as soon
     * as its handler ran, but it may be answered only once the whole group
     * is committed. Each thread sleeps on a condition of its own and is woken
     * once: when its group is done, or when it is first in the queue as a
     * group ends and so leads the next (one shared condition woke every
     * waiter at every commit, most of them only to sleep again). */
    while (!me.done) {
        if (group.leading) {
            pthread_cond_wait(&me.wake, &group.lock);
            continue;
        }
        /* Lead: take everything waiting (our own job among it). */
        group.leading = true;
        struct job *list = group.head;
        group.head = NULL;
        group.tail = &group.head;
        pthread_mutex_unlock(&group.lock);
        struct db *d = writer_db(r->db);
        commit_group(d, list);
        if (d != r->db)
            db_release_all(d);
        pthread_mutex_lock(&group.lock);
        for (struct job *j = list; j; j = j->next) {
            j->done = true;
            if (j != &me)
                pthread_cond_signal(&j->wake);
        }
        group.leading = false;
        if (group.head)
            pthread_cond_signal(&group.head->wake);
    }
    pthread_mutex_unlock(&group.lock);
    pthread_cond_destroy(&me.wake);
    answer(r, &me);
    buf_free(&me.held);
}
