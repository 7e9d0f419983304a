/* stream.c — the live family stream: Server-Sent Events of entry and config
 * changes and of the care records (profiles, medications, appointments, documents, shifts and
 * their visits), emergency alerts, and each member's own inbox items (to that member's streams
 * only; event id = seq, resumable with Last-Event-ID), who is online (presence), and a
 * heartbeat comment every 25 s.
 *
 * Worker threads accept and authorise a stream like any request, then hand
 * the open FastCGI request to one event-loop thread that owns every stream of
 * this process. Writers live in other processes; after each commit they send
 * one datagram to this program's socket DATA_DIR/sockets/stream.wake
 * (framework/wake.c), so 500 idle streams cost one sleeping thread, no
 * polling, and nothing per page a writer writes. A datagram says only
 * "something was committed": the loop confirms it with PRAGMA data_version
 * and reads what changed by sequence number, so a lost or merged datagram
 * loses no event. A once-a-second check of the same pragma is the safety net
 * (for writers that send none, such as carelogctl); without the socket it
 * runs every 250 ms (one cheap check for all streams).
 *
 * A stream lives only as long as its session and membership (or, for a
 * consultant, the assignment it came through). Triggers log every end of any
 * of these in stream_revocations (sql/006, sql/012); on each wake the hub
 * opens one read transaction, ends the streams named by rows it has not seen
 * yet, and only then sends what changed, from the same snapshot: anything
 * committed after a removal is never sent to the removed. New streams are
 * checked against that snapshot as they are adopted, and every stream again
 * at each heartbeat (sessions also expire). */
#include "carelog.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <sys/socket.h>
#include <unistd.h>

#include "data/acttype.h"
#include "data/audit.h"
#include "data/care.h"
#include "data/docstore.h"
#include "data/entry.h"
#include "data/shifts.h"
#include "data/notices.h"
#include "framework/metrics.h"
#include "framework/wake.h"

static void stream_open(struct request *r);
static void console_open(struct request *r);

static const struct route routes[] = {
    /* The console's dashboard: one stream for every client the caller may
     * see, saying only which client changed (no family data: the console
     * then asks for its figures), so it needs no stream per family. */
    {"GET", "/api/v1/admin/stream", console_open, ACCESS_STAFF, ROUTE_STREAMS},
    /* The console subscribes too: an assigned consultant without being a member. */
    {"GET", "/api/v1/families/{fid}/stream", stream_open, ACCESS_VIEWER,
     ROUTE_STREAMS | ROUTE_STAFF},
};

#define HEARTBEAT_MS     25000 /* STREAM_HEARTBEAT_MS overrides it (tests) */
#define FALLBACK_POLL_MS 250
#define SAFETY_POLL_MS   1000
#define MAX_REPLAY       1000
#define MAX_STREAMS      20000
#define MAX_PER_SESSION  6 /* STREAM_MAX_PER_SESSION overrides it (tests) */
#define SESSION_BUCKETS  1024
#define PROBE_QUEUE      16
#define BATCH            500

struct client {
    FCGX_Request *fcgx;
    int fd;
    char family_id[37];
    char session_id[37];
    char member_id[37];
    char consultant_id[37]; /* a consultant streaming through an assignment, else "" */
    bool console;           /* the console's stream of every client (family_id ""): the
                               admin's sees all, a consultant's (consultant_id) the assigned */
    char name[96];
    char *subjects;   /* the people it may see: a JSON array of ids, NULL for everyone (sql/021) */
    int64_t last_seq; /* the newest event this client has been sent */
    bool dead;
    struct client *next;
};

/* Open streams of one session (a hash chain entry, under the hub lock). */
struct session_slots {
    char id[37];
    int n;
    struct session_slots *next;
};

/* The hub: `incoming` and the stream counts are the only parts worker
 * threads touch, under `lock`; everything else belongs to the loop thread
 * alone. A stream is counted from the moment its worker takes a slot (before
 * the hand-over) until the hub closes it, so streams waiting in `incoming`
 * count too, and two workers can never both take a session's last slot. */
static struct {
    pthread_mutex_t lock;
    struct client *incoming;
    int nclients_total; /* under lock: open + incoming, for the cap */
    bool stopping;      /* under lock */
    /* Under lock: streams per session (hash chains by session id). */
    struct session_slots *per_session[SESSION_BUCKETS];
    /* Sessions refused for being at their cap, whose streams the loop should
     * probe (under lock; every stream when the queue overflowed). */
    char probe[PROBE_QUEUE][37];
    int nprobe;
    bool probe_all;
    long max_per_session; /* set once, before the workers start */
    int wake_fd;

    pthread_t thread;
    bool running;
    int epoll_fd, commit_fd; /* commit_fd: writers' datagrams */
    struct client *clients;
    struct db db;
    bool db_ready;
    int64_t heartbeat_ms;
    int64_t seq;          /* newest seq broadcast */
    int64_t data_version; /* fallback change detector */
    int64_t revoked_id;   /* newest stream_revocations row seen */
} hub = {.lock = PTHREAD_MUTEX_INITIALIZER,
         .max_per_session = MAX_PER_SESSION,
         .wake_fd = -1,
         .epoll_fd = -1,
         .commit_fd = -1};

/* ---------- stream slots (worker threads and the loop, under hub.lock) ---------- */

enum slot { SLOT_OK, SLOT_FULL, SLOT_SESSION_FULL };

static struct session_slots **slots_chain(const char *session_id)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = session_id; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    return &hub.per_session[h % SESSION_BUCKETS];
}

/* Takes a stream slot for the session: the instance-wide cap (or shutting
 * down) → SLOT_FULL, the per-session cap → SLOT_SESSION_FULL. */
static enum slot slot_take(const char *session_id)
{
    enum slot got = SLOT_FULL;
    pthread_mutex_lock(&hub.lock);
    struct session_slots **chain = slots_chain(session_id), *e = *chain;
    while (e && strcmp(e->id, session_id) != 0)
        e = e->next;
    if (hub.stopping || hub.nclients_total >= MAX_STREAMS) {
        got = SLOT_FULL;
    } else if (e && e->n >= hub.max_per_session) {
        got = SLOT_SESSION_FULL;
        /* Some of its streams may belong to tabs already closed: lighttpd
         * tells a stream program only when a write fails, so have the loop
         * write to them now, and a retry finds their slots free. */
        bool queued = false;
        for (int i = 0; i < hub.nprobe && !queued; i++)
            queued = strcmp(hub.probe[i], session_id) == 0;
        if (!queued && hub.nprobe < PROBE_QUEUE)
            snprintf(hub.probe[hub.nprobe++], sizeof hub.probe[0], "%s", session_id);
        else if (!queued)
            hub.probe_all = true;
    } else if (!e && !(e = calloc(1, sizeof *e))) {
        got = SLOT_FULL; /* out of memory */
    } else {
        if (e->n == 0) {
            snprintf(e->id, sizeof e->id, "%s", session_id);
            e->next = *chain;
            *chain = e;
        }
        e->n++;
        hub.nclients_total++;
        metrics_set(M_STREAMS_OPEN, hub.nclients_total);
        got = SLOT_OK;
    }
    pthread_mutex_unlock(&hub.lock);
    return got;
}

static void slot_give(const char *session_id)
{
    pthread_mutex_lock(&hub.lock);
    hub.nclients_total--;
    metrics_set(M_STREAMS_OPEN, hub.nclients_total);
    for (struct session_slots **pp = slots_chain(session_id); *pp; pp = &(*pp)->next) {
        struct session_slots *e = *pp;
        if (strcmp(e->id, session_id) != 0)
            continue;
        if (--e->n == 0) {
            *pp = e->next;
            free(e);
        }
        break;
    }
    pthread_mutex_unlock(&hub.lock);
}

/* ---------- writing events ---------- */

static bool client_send(struct client *c, const char *text, size_t len)
{
    if (c->dead)
        return false;
    if (FCGX_PutStr(text, (int)len, c->fcgx->out) != (int)len || FCGX_FFlush(c->fcgx->out) != 0)
        c->dead = true;
    return !c->dead;
}

/* "id: N\nevent: NAME\ndata: JSON\n\n" (id omitted when seq < 0). */
static bool format_event(struct buf *b, int64_t seq, const char *event, const cJSON *data)
{
    char *json = cJSON_PrintUnformatted(data);
    if (!json)
        return false;
    buf_reset(b);
    if (seq >= 0)
        buf_printf(b, "id: %lld\n", (long long)seq);
    buf_printf(b, "event: %s\ndata: %s\n\n", event, json);
    free(json);
    return !b->oom;
}

static cJSON *entry_event_data(sqlite3_stmt *st)
{
    cJSON *entry = entry_json_row(st);
    const char *action = "update";
    if (sqlite3_column_int(st, 10) == 1)
        action = "delete";
    else if (sqlite3_column_int64(st, 8) == sqlite3_column_int64(st, 9))
        action = "add"; /* created_at == updated_at: never edited */
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "action", action);
    cJSON_AddItemToObject(data, "entry", entry);
    return data;
}

static cJSON *config_event_data(sqlite3_stmt *st, int data_col, int seq_col)
{
    cJSON *data = cJSON_CreateObject();
    cJSON_AddNumberToObject(data, "version", (double)sqlite3_column_int64(st, seq_col));
    cJSON *groups = cJSON_Parse(db_col_text(st, data_col));
    cJSON_AddItemToObject(data, "groups", groups ? groups : cJSON_CreateArray());
    return data;
}

/* Whether a console stream may hear of a change in `family_id`: every
 * family for the admin, the assigned ones for a consultant (in the hub's
 * snapshot, so an assignment removed before the change is seen as such). */
static bool console_sees(const struct client *c, const char *family_id)
{
    if (!c->consultant_id[0])
        return true;
    sqlite3_stmt *st = db_stmt(&hub.db, "SELECT 1 FROM client_assignments WHERE family_id = ? "
                                        "AND user_id = ?");
    bool yes = st && db_bind_text(st, 1, family_id) && db_bind_text(st, 2, c->consultant_id) &&
               sqlite3_step(st) == SQLITE_ROW;
    if (st)
        sqlite3_reset(st);
    return yes;
}

/* Whether the client may see a change about person `subject_id` (NULL: a
 * change of the whole family, such as the buttons). A member limited to some
 * people (access per person) hears nothing of the others. The ids are
 * UUIDs checked when stored, so a quoted match in the JSON array is exact. */
static bool client_sees(const struct client *c, const char *subject_id)
{
    if (!c->subjects || !subject_id)
        return true;
    char quoted[40];
    snprintf(quoted, sizeof quoted, "\"%s\"", subject_id);
    return strstr(c->subjects, quoted) != NULL;
}

static bool client_sees_id(const void *c, const char *sid)
{
    return client_sees(c, sid);
}

/* A change that lists people (an activity type's) as a client limited to
 * some people may see it: only those people named, or not at all when it
 * is only for others (the client still moves past it). */
static void send_narrowed(struct client *c, int64_t seq, const char *event, const cJSON *data)
{
    cJSON *mine = cJSON_Duplicate(data, true);
    struct buf b;
    buf_init(&b, 4 << 20);
    bool keep = mine && access_keep_visible(cJSON_GetObjectItemCaseSensitive(mine, "subject_ids"),
                                            client_sees_id, c);
    if (!keep || (format_event(&b, seq, event, mine) && client_send(c, b.p, b.len))) {
        c->last_seq = seq;
        if (keep)
            metrics_add(M_STREAM_EVENTS, 1);
    }
    buf_free(&b);
    cJSON_Delete(mine);
}

/* One change (entry or config) sent to every live client of its family that
 * has not had it yet (and may see its person); console streams that may see
 * the family hear only that it changed ("client": {family_id, seq}). A client
 * that may not see it still moves past it, so a resume skips it too. A
 * member's own news (member_id: the inbox) goes to that member's streams only. */
static void fan_out(const char *family_id, const char *subject_id, const char *member_id,
                    int64_t seq, const char *event, const cJSON *data, struct client *only)
{
    struct buf b, brief;
    buf_init(&b, 4 << 20);
    buf_init(&brief, 4096);
    if (!format_event(&b, seq, event, data)) {
        buf_free(&b);
        buf_free(&brief);
        return;
    }
    for (struct client *c = only ? only : hub.clients; c; c = only ? NULL : c->next) {
        if (c->dead || c->last_seq >= seq)
            continue;
        /* A member's own news (the inbox) goes to that member's streams only. */
        if (member_id && (c->console || strcmp(c->member_id, member_id) != 0))
            continue;
        if (c->console) {
            if (!console_sees(c, family_id))
                continue;
            if (!brief.len) {
                cJSON *note = cJSON_CreateObject();
                cJSON_AddStringToObject(note, "family_id", family_id);
                json_add_int64(note, "seq", seq);
                bool made = format_event(&brief, seq, "client", note);
                cJSON_Delete(note);
                if (!made)
                    continue;
            }
            if (client_send(c, brief.p, brief.len)) {
                c->last_seq = seq;
                metrics_add(M_STREAM_EVENTS, 1);
            }
            continue;
        }
        if (strcmp(c->family_id, family_id) != 0)
            continue;
        if (!client_sees(c, subject_id)) {
            c->last_seq = seq;
            continue;
        }
        const cJSON *ids = cJSON_GetObjectItemCaseSensitive(data, "subject_ids");
        if (c->subjects && cJSON_IsArray(ids) && ids->child) {
            send_narrowed(c, seq, event, data);
            continue;
        }
        if (client_send(c, b.p, b.len)) {
            c->last_seq = seq;
            metrics_add(M_STREAM_EVENTS, 1);
        }
    }
    buf_free(&b);
    buf_free(&brief);
}

static cJSON *config_row_data(sqlite3_stmt *st)
{
    return config_event_data(st, 1, 2);
}

/* What the stream sends besides entries and the buttons: the records of
 * care (lib/data/care.h), each row read by its key as its event shows it. */
static cJSON *profile_event_data(sqlite3_stmt *st)
{
    return profile_json_row(st);
}

/* Every kind of change, by the number the index query below gives it: the
 * statement that reads one by its key, its seq, family and person columns
 * there (-1: about the whole family), and the event's name and data. Every
 * kind about a person must name its person column: that is what keeps a
 * member limited to other people from hearing of it. */
static const struct change_kind {
    const char *event;
    const char *select;
    int seq_col, family_col, subject_col;
    int member_col; /* -1: for every member; else that member's only (the inbox) */
    cJSON *(*data)(sqlite3_stmt *st);
} change_kinds[] = {
    {"entry", ENTRY_SELECT "WHERE e.id = ?", 11, 12, 1, -1, entry_event_data},
    {"config", "SELECT family_id, data, seq FROM family_config WHERE family_id = ?", 2, 0, -1, -1,
     config_row_data},
    {"profile", PROFILE_SELECT "WHERE s.id = ?", 3, 6, 0, -1, profile_event_data},
    {"medication", MEDICATION_SELECT "WHERE m.id = ?", MEDICATION_SEQ_COL, MEDICATION_FAMILY_COL, 1,
     -1, medication_json_row},
    {"appointment", APPOINTMENT_SELECT "WHERE a.id = ?", APPOINTMENT_SEQ_COL,
     APPOINTMENT_FAMILY_COL, 1, -1, appointment_json_row},
    /* documents for every member only (the index below leaves owners-only
     * ones out: the stream does not tell roles apart); one of no person
     * (the whole family's) goes to every member */
    {"document", DOCUMENT_SELECT "WHERE d.id = ?", DOCUMENT_SEQ_COL, DOCUMENT_FAMILY_COL, 1, -1,
     document_json_row},
    /* a family's types are the family's, whoever they apply to */
    {"activity_type", ACTTYPE_SELECT "WHERE id = ?", ACTTYPE_SEQ_COL, ACTTYPE_FAMILY_COL, -1, -1,
     acttype_json_row},
    {"shift", SHIFT_SELECT "WHERE s.id = ?", SHIFT_SEQ_COL, SHIFT_FAMILY_COL, 1, -1,
     shift_json_row},
    {"shift_visit", VISIT_SELECT "WHERE v.id = ?", VISIT_SEQ_COL, VISIT_FAMILY_COL, 3, -1,
     visit_json_row},
    /* an emergency alert is the whole family's: every member is called */
    {"alert", ALERT_SELECT "WHERE a.id = ?", ALERT_SEQ_COL, ALERT_FAMILY_COL, -1, -1,
     alert_json_row},
    {"inbox", INBOX_SELECT "WHERE i.id = ?", INBOX_SEQ_COL, INBOX_FAMILY_COL, -1, INBOX_MEMBER_COL,
     inbox_event_row},
};

/* Sends what changed after `since` in seq order (entries, config and the
 * care records share the sequence, so one ordered index of all drives the
 * batch and the limit can never let a cursor skip past an unsent change).
 * With `only`, just to that client (its catch-up); otherwise to everyone.
 * Returns the newest seq sent, or -1 on a database error; *full says the
 * limit was reached. */
static int64_t send_changes(int64_t since, const char *family_id, struct client *only, int limit,
                            bool *full)
{
    struct db *d = &hub.db;
    sqlite3_stmt *idx = db_stmt(
        d, "SELECT seq, 0, id FROM entries WHERE seq > ?1 AND (?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 1, family_id FROM family_config WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 2, subject_id FROM subject_profiles WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 3, id FROM medications WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 4, id FROM appointments WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 5, id FROM documents WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) AND visibility = 'all' "
           "UNION ALL SELECT seq, 6, id FROM activity_types WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 7, id FROM shifts WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 8, id FROM shift_visits WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 9, id FROM alerts WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) "
           "UNION ALL SELECT seq, 10, id FROM inbox WHERE seq > ?1 AND "
           "(?2 IS NULL OR family_id = ?2) ORDER BY 1 LIMIT ?3");
    if (!idx || !db_bind_int64(idx, 1, since) || !db_bind_text(idx, 2, family_id) ||
        !db_bind_int64(idx, 3, limit))
        return -1;
    int64_t newest = since;
    int rows = 0, rc;
    while ((rc = sqlite3_step(idx)) == SQLITE_ROW) {
        rows++;
        int64_t seq = sqlite3_column_int64(idx, 0);
        int kind = sqlite3_column_int(idx, 1);
        if (kind < 0 || (size_t)kind >= ARRAY_LEN(change_kinds))
            continue;
        const struct change_kind *k = &change_kinds[kind];
        sqlite3_stmt *st = db_stmt(d, k->select);
        if (!st || !db_bind_text(st, 1, db_col_text(idx, 2)))
            break;
        /* The row may have moved on (a newer write took a newer seq); then
         * that newer seq brings it, and this one is skipped. */
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, k->seq_col) == seq) {
            const char *fid = db_col_text(st, k->family_col);
            const char *sid =
                k->subject_col >= 0 && sqlite3_column_type(st, k->subject_col) != SQLITE_NULL
                    ? db_col_text(st, k->subject_col)
                    : NULL; /* no person: the whole family's */
            const char *mid = k->member_col >= 0 ? db_col_text(st, k->member_col) : NULL;
            cJSON *data = k->data(st);
            fan_out(fid, sid, mid, seq, k->event, data, only);
            cJSON_Delete(data);
        }
        sqlite3_reset(st);
        newest = seq;
    }
    sqlite3_reset(idx);
    *full = rows >= limit;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? newest : -1;
}

static int64_t current_seq(struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT value FROM seq_counter WHERE id = 1");
    int64_t v = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    if (st)
        sqlite3_reset(st);
    return v;
}

/* ---------- presence ---------- */

static void send_presence(const char *family_id)
{
    cJSON *names = cJSON_CreateArray();
    for (struct client *c = hub.clients; c; c = c->next) {
        if (c->dead || strcmp(c->family_id, family_id) != 0)
            continue;
        bool seen = false;
        for (const cJSON *n = names->child; n && !seen; n = n->next)
            seen = strcmp(n->valuestring, c->name) == 0;
        if (!seen)
            cJSON_AddItemToArray(names, cJSON_CreateString(c->name));
    }
    cJSON *data = cJSON_CreateObject();
    cJSON_AddItemToObject(data, "members", names);
    struct buf b;
    buf_init(&b, 1 << 20);
    if (format_event(&b, -1, "presence", data))
        for (struct client *c = hub.clients; c; c = c->next)
            if (!c->dead && strcmp(c->family_id, family_id) == 0)
                client_send(c, b.p, b.len);
    buf_free(&b);
    cJSON_Delete(data);
}

/* ---------- the loop ---------- */

static void client_free(struct client *c)
{
    if (c)
        free(c->subjects);
    free(c);
}

static void client_close(struct client *c)
{
    epoll_ctl(hub.epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    FCGX_Finish_r(c->fcgx);
    free(c->fcgx);
    slot_give(c->session_id);
    client_free(c);
}

/* Drops dead clients; tells their families who is still here. */
static void reap(void)
{
    char families[64][37];
    int nf = 0;
    for (struct client **pp = &hub.clients; *pp;) {
        struct client *c = *pp;
        if (!c->dead) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        bool listed = c->console; /* in no family */
        for (int i = 0; i < nf && !listed; i++)
            listed = strcmp(families[i], c->family_id) == 0;
        if (!listed && nf < 64)
            snprintf(families[nf++], sizeof families[0], "%s", c->family_id);
        client_close(c);
    }
    for (int i = 0; i < nf; i++)
        send_presence(families[i]);
}

static bool client_allowed(const struct client *c);

static void adopt_incoming(void)
{
    pthread_mutex_lock(&hub.lock);
    struct client *list = hub.incoming;
    hub.incoming = NULL;
    pthread_mutex_unlock(&hub.lock);
    while (list) {
        struct client *c = list;
        list = c->next;
        c->next = hub.clients;
        hub.clients = c;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
        if (epoll_ctl(hub.epoll_fd, EPOLL_CTL_ADD, c->fd, &ev) != 0)
            c->dead = true;
        /* Its access was checked on a worker, in an older snapshot: a
         * revocation since then may be one the hub has already read (before
         * this client was here to match), so check again in this one. */
        if (!c->dead && !client_allowed(c))
            c->dead = true;
        /* A console stream starts from now (the console reads the figures
         * when it opens) and is nobody's presence in a family. */
        if (c->console) {
            c->last_seq = hub.seq;
            continue;
        }
        /* Catch up from where the client was to where the hub is, so nothing
         * written between the handshake and now is missed. */
        if (!c->dead && c->last_seq < hub.seq) {
            bool full = false;
            send_changes(c->last_seq, c->family_id, c, MAX_REPLAY, &full);
            if (full && c->last_seq < hub.seq) {
                /* Too far behind to replay: the client pulls /changes from its
                 * cursor, and live events carry on from here. */
                cJSON *data = cJSON_CreateObject();
                cJSON_AddNumberToObject(data, "cursor", (double)c->last_seq);
                struct buf b;
                buf_init(&b, 4096);
                if (format_event(&b, -1, "resync", data))
                    client_send(c, b.p, b.len);
                buf_free(&b);
                cJSON_Delete(data);
                c->last_seq = hub.seq;
            }
        }
        if (!c->dead)
            send_presence(c->family_id);
    }
}

static void broadcast_new(void)
{
    /* Nobody listening: just move the mark, so a later stream starts here. */
    if (!hub.clients) {
        hub.seq = current_seq(&hub.db);
        return;
    }
    for (int round = 0; round < 100; round++) {
        bool full = false;
        int64_t got = send_changes(hub.seq, NULL, NULL, BATCH, &full);
        if (got > hub.seq)
            hub.seq = got;
        if (!full)
            break;
    }
}

/* ---------- ending streams whose access ended ---------- */

#define REVOKE_BATCH 256

/* Whether the client's session is still live and its membership or
 * assignment (if any) still current, in the hub's snapshot; for a console
 * stream, whether its account is still the admin or a consultant. */
static bool client_allowed(const struct client *c)
{
    sqlite3_stmt *st =
        db_stmt(&hub.db, "SELECT 1 FROM sessions s WHERE s.id = ?1 AND s.expires_at > ?2 AND "
                         "(?3 = '' OR EXISTS (SELECT 1 FROM members m WHERE m.id = ?3 AND "
                         "m.removed_at IS NULL)) AND "
                         "(?4 = '' OR ?5 = '' OR EXISTS (SELECT 1 FROM client_assignments a "
                         "JOIN users u ON u.id = a.user_id WHERE a.user_id = ?4 AND "
                         "a.family_id = ?5 AND u.is_consultant = 1)) AND "
                         "(?6 = 0 OR EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND "
                         "(u.is_admin = 1 OR u.is_consultant = 1)))");
    if (!st || !db_bind_text(st, 1, c->session_id) || !db_bind_int64(st, 2, now_ms()) ||
        !db_bind_text(st, 3, c->member_id) || !db_bind_text(st, 4, c->consultant_id) ||
        !db_bind_text(st, 5, c->family_id) || !db_bind_int64(st, 6, c->console))
        return false; /* cannot tell: end it; the browser reconnects */
    bool ok = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return ok;
}

/* Every stream against the database (heartbeat; or after revocation rows
 * were missed). */
static void check_sessions(void)
{
    for (struct client *c = hub.clients; c; c = c->next)
        if (!c->dead && !client_allowed(c))
            c->dead = true;
}

/* A row names a session, a membership, or a consultant's assignment to a
 * family (user and family both given). */
static void end_matching(const char *session_id, const char *member_id, const char *user_id,
                         const char *family_id)
{
    for (struct client *c = hub.clients; c; c = c->next) {
        if ((*session_id && strcmp(c->session_id, session_id) == 0) ||
            (*member_id && strcmp(c->member_id, member_id) == 0) ||
            (*user_id && strcmp(c->consultant_id, user_id) == 0 &&
             strcmp(c->family_id, family_id) == 0))
            c->dead = true;
        /* A consultant's console stream is checked again (not ended): they
         * may have lost one client, or stopped being a consultant. */
        else if (*user_id && c->console && strcmp(c->consultant_id, user_id) == 0 &&
                 !client_allowed(c))
            c->dead = true;
    }
}

/* Ends the streams named by revocation rows newer than the last seen. Runs
 * inside the hub's read transaction, before anything is sent from it. A gap
 * before the first new row (rows pruned before the hub saw them) or a flood
 * of rows falls back to checking every stream. False on a database error:
 * then nothing may be sent from this snapshot. */
static bool apply_revocations(void)
{
    sqlite3_stmt *st = db_stmt(&hub.db, "SELECT id, coalesce(session_id, ''), "
                                        "coalesce(member_id, ''), coalesce(user_id, ''), "
                                        "coalesce(family_id, '') FROM stream_revocations "
                                        "WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!st || !db_bind_int64(st, 1, hub.revoked_id) || !db_bind_int64(st, 2, REVOKE_BATCH))
        return false;
    int rows = 0, rc;
    bool recheck = false;
    int64_t last = hub.revoked_id;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (rows++ == 0 && id != last + 1)
            recheck = true;
        last = id;
        end_matching(db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
                     db_col_text(st, 4));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return false;
    if (rows == REVOKE_BATCH) {
        /* More than a batch at once: one pass over every stream is cheaper
         * than matching each row, and covers the rest. */
        sqlite3_stmt *mx = db_stmt(&hub.db, "SELECT coalesce(max(id), 0) FROM stream_revocations");
        if (!mx || sqlite3_step(mx) != SQLITE_ROW)
            return false;
        last = sqlite3_column_int64(mx, 0);
        sqlite3_reset(mx);
        recheck = true;
    }
    if (recheck)
        check_sessions();
    hub.revoked_id = last;
    return true;
}

/* The newest revocation id ever given (pruning may have emptied the table;
 * AUTOINCREMENT keeps the high mark in sqlite_sequence). */
static int64_t revocations_mark(void)
{
    sqlite3_stmt *st = db_stmt(
        &hub.db,
        "SELECT max(coalesce((SELECT max(id) FROM stream_revocations), 0), "
        "coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'stream_revocations'), 0))");
    int64_t v = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    if (st)
        sqlite3_reset(st);
    return v;
}

/* One read transaction per wake: what the hub reads in it (revocations,
 * sessions, changes) is one snapshot of the database. */
static bool snapshot_begin(void)
{
    char *msg = NULL;
    if (sqlite3_exec(hub.db.h, "BEGIN DEFERRED", NULL, NULL, &msg) == SQLITE_OK)
        return true;
    log_event("error", "stream_begin_failed", msg ? msg : "");
    sqlite3_free(msg);
    return false;
}

static void snapshot_end(void)
{
    for (int i = 0; i < hub.db.nstmts; i++)
        sqlite3_reset(hub.db.stmts[i].st);
    if (sqlite3_exec(hub.db.h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(hub.db.h, "ROLLBACK", NULL, NULL, NULL);
}

static void heartbeat(void)
{
    static const char beat[] = ": heartbeat\n\n";
    for (struct client *c = hub.clients; c; c = c->next)
        client_send(c, beat, sizeof beat - 1);
}

/* A heartbeat to the streams of the sessions refused at their cap. */
static void probe_sessions(void)
{
    char ids[PROBE_QUEUE][37];
    pthread_mutex_lock(&hub.lock);
    int n = hub.nprobe;
    bool all = hub.probe_all;
    memcpy(ids, hub.probe, sizeof ids);
    hub.nprobe = 0;
    hub.probe_all = false;
    pthread_mutex_unlock(&hub.lock);
    if (all) {
        heartbeat();
        return;
    }
    static const char beat[] = ": heartbeat\n\n";
    for (struct client *c = hub.clients; n > 0 && c; c = c->next) {
        bool named = false;
        for (int i = 0; i < n && !named; i++)
            named = strcmp(ids[i], c->session_id) == 0;
        if (named)
            client_send(c, beat, sizeof beat - 1);
    }
}

static bool data_changed(void)
{
    sqlite3_stmt *st = db_stmt(&hub.db, "PRAGMA data_version");
    int64_t v = (st && sqlite3_step(st) == SQLITE_ROW) ? sqlite3_column_int64(st, 0) : 0;
    if (st)
        sqlite3_reset(st);
    bool changed = v != hub.data_version;
    hub.data_version = v;
    return changed;
}

/* One pass over one snapshot of the database: first end the streams whose
 * access ended, then send what changed and catch up new streams. */
static void hub_pass(bool changed, bool beat)
{
    if (!snapshot_begin()) {
        hub.data_version = -1; /* try again at the next check */
        return;
    }
    if (apply_revocations()) {
        if (beat)
            check_sessions();
        if (changed)
            broadcast_new();
        adopt_incoming();
    } else {
        /* Unsure who may still listen: send nothing from this snapshot. */
        hub.data_version = -1;
    }
    snapshot_end();
}

static void *hub_main(void *arg)
{
    (void)arg;
    int64_t now = mono_us() / 1000;
    int64_t next_beat = now + hub.heartbeat_ms;
    int64_t next_check = now; /* the next data_version check */
    struct epoll_event events[64];
    for (;;) {
        now = mono_us() / 1000;
        int64_t wake_at = next_beat < next_check ? next_beat : next_check;
        int n = epoll_wait(hub.epoll_fd, events, 64, wake_at > now ? (int)(wake_at - now) : 0);
        if (n < 0 && errno != EINTR)
            break;
        bool touched = false;
        for (int i = 0; i < n; i++) {
            void *tag = events[i].data.ptr;
            if (tag == &hub.wake_fd) {
                uint64_t v;
                if (read(hub.wake_fd, &v, sizeof v) < 0 && errno != EAGAIN)
                    break;
            } else if (tag == &hub.commit_fd) {
                char buf[64];
                while (recv(hub.commit_fd, buf, sizeof buf, MSG_DONTWAIT) >= 0)
                    touched = true; /* any number of commits: one pass */
            } else {
                /* A stream's socket is readable: lighttpd closed it (the
                 * browser went away) or sent an abort. Either way, done. */
                ((struct client *)tag)->dead = true;
            }
        }
        pthread_mutex_lock(&hub.lock);
        bool stopping = hub.stopping, arrivals = hub.incoming != NULL;
        bool probe = hub.nprobe > 0 || hub.probe_all;
        pthread_mutex_unlock(&hub.lock);
        if (stopping)
            break;
        now = mono_us() / 1000;
        bool changed = false, beat = now >= next_beat;
        if (touched || now >= next_check) {
            changed = data_changed();
            next_check = now + (hub.commit_fd < 0 ? FALLBACK_POLL_MS : SAFETY_POLL_MS);
        }
        if (changed || beat || arrivals)
            hub_pass(changed, beat);
        if (beat) {
            heartbeat();
            next_beat = now + hub.heartbeat_ms;
        } else if (probe) {
            probe_sessions();
        }
        reap();
        db_release_all(&hub.db);
    }
    for (struct client *c = hub.clients; c; c = c->next)
        c->dead = true;
    reap();
    return NULL;
}

/* ---------- setup and shutdown ---------- */

/* The socket writers' datagrams arrive on (framework/wake.c sends them). A
 * path left by an earlier run is replaced: this program is its one reader. */
static bool commit_socket_open(void)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (!wake_path(cfg.data_dir, addr.sun_path, sizeof addr.sun_path))
        return false;
    hub.commit_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (hub.commit_fd < 0)
        return false;
    unlink(addr.sun_path);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &hub.commit_fd};
    if (bind(hub.commit_fd, (const struct sockaddr *)&addr, sizeof addr) != 0 ||
        epoll_ctl(hub.epoll_fd, EPOLL_CTL_ADD, hub.commit_fd, &ev) != 0) {
        close(hub.commit_fd);
        hub.commit_fd = -1;
        return false;
    }
    return true;
}

static bool hub_start(void)
{
    char err[256];
    if (db_open(&hub.db, cfg.db_path, err, sizeof err) != 0) {
        log_event("error", "db_open_failed", err);
        return false;
    }
    enum migrate_result mr =
        db_migrate(&hub.db, carelog_migrations, carelog_migrations_count, err, sizeof err);
    if (mr != MIGRATE_OK) {
        log_event("error", mr == MIGRATE_TOO_NEW ? "db_schema_too_new" : "db_migrate_failed", err);
        db_close(&hub.db);
        return false;
    }
    hub.db_ready = true;
    hub.seq = current_seq(&hub.db);
    hub.revoked_id = revocations_mark();
    long beat;
    hub.heartbeat_ms =
        env_int("STREAM_HEARTBEAT_MS", HEARTBEAT_MS, 100, 600000, &beat) ? beat : HEARTBEAT_MS;
    hub.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    hub.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (hub.epoll_fd < 0 || hub.wake_fd < 0)
        return false;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &hub.wake_fd};
    if (epoll_ctl(hub.epoll_fd, EPOLL_CTL_ADD, hub.wake_fd, &ev) != 0)
        return false;
    if (!commit_socket_open())
        log_event("warn", "stream_wake_unavailable", "polling data_version every 250 ms");
    data_changed(); /* remember the current version */
    if (pthread_create(&hub.thread, NULL, hub_main, NULL) != 0)
        return false;
    hub.running = true;
    return true;
}

static bool stream_init(void)
{
    long n;
    if (env_int("STREAM_MAX_PER_SESSION", MAX_PER_SESSION, 1, MAX_STREAMS, &n))
        hub.max_per_session = n;
    else
        log_event("warn", "bad_config", "STREAM_MAX_PER_SESSION is not 1..20000; using 6");
    /* Only under FastCGI: a classic CGI run answers one catch-up and ends. */
    return FCGX_IsCGI() || hub_start();
}

static void stream_shutdown(void)
{
    if (!hub.running)
        return;
    pthread_mutex_lock(&hub.lock);
    hub.stopping = true;
    struct client *left = hub.incoming;
    hub.incoming = NULL;
    pthread_mutex_unlock(&hub.lock);
    uint64_t one = 1;
    if (write(hub.wake_fd, &one, sizeof one) < 0)
        log_event("warn", "stream_wake_failed", strerror(errno));
    pthread_join(hub.thread, NULL);
    while (left) {
        struct client *c = left;
        left = c->next;
        FCGX_Finish_r(c->fcgx);
        free(c->fcgx);
        slot_give(c->session_id);
        client_free(c);
    }
    if (hub.commit_fd >= 0)
        close(hub.commit_fd);
    close(hub.wake_fd);
    close(hub.epoll_fd);
    db_close(&hub.db);
}

/* ---------- the handshake (on a worker thread) ---------- */

static void hub_wake(void)
{
    uint64_t one = 1;
    if (hub.wake_fd >= 0 && write(hub.wake_fd, &one, sizeof one) < 0)
        log_event("warn", "stream_wake_failed", strerror(errno));
}

/* Where to resume: Last-Event-ID (what EventSource sends on reconnect), else
 * ?since=, else now. */
static bool resume_point(struct request *r, struct db *d, int64_t *since)
{
    const char *text = req_header(r, "Last-Event-ID");
    const char *q = NULL;
    if ((!text || !*text) && req_query(r, "since", &q) == 1)
        text = q;
    if (text && *text)
        return parse_int64(text, since) && *since >= 0;
    *since = current_seq(d);
    return true;
}

static const char *member_name(struct request *r, struct db *d)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT coalesce(u.name, m.guest_name) FROM members m "
                                  "LEFT JOIN users u ON u.id = m.user_id WHERE m.id = ?1 "
                                  "UNION ALL SELECT name FROM users WHERE id = ?2 LIMIT 1");
    const char *name = "Admin";
    if (st && db_bind_text(st, 1, r->session->family_member_id) &&
        db_bind_text(st, 2, r->session->user_id) && sqlite3_step(st) == SQLITE_ROW)
        name = req_strdup(r, db_col_text(st, 0));
    /* Reset: a statement left on a row holds its read transaction open, and
     * the audit write that follows would then fail at once ("locked") if
     * anyone else had committed since. */
    if (st)
        sqlite3_reset(st);
    return name ? name : "";
}

/* Takes a slot, answers the stream's head and hands it to the hub; `c` is
 * filled in but for its request (freed here when it cannot be streamed). */
static void stream_start(struct request *r, struct client *c)
{
    /* One session (a browser) needs a stream per open tab at most; a cap
     * keeps one session from holding the instance's streams. */
    const char *sid = r->session->id;
    enum slot got = slot_take(sid);
    if (got == SLOT_SESSION_FULL) {
        client_free(c);
        hub_wake(); /* to probe the session's streams (see slot_take) */
        resp_header(r, "Retry-After", "5");
        resp_error(r, 429, "rate_limited",
                   "Too many open streams for this session; close one first");
        return;
    }
    if (got != SLOT_OK) {
        client_free(c);
        resp_header(r, "Retry-After", "30");
        resp_error(r, 503, "overloaded", "Too many open streams; try again soon");
        return;
    }
    snprintf(c->session_id, sizeof c->session_id, "%s", sid);
    resp_header(r, "Cache-Control", "no-store");
    resp_header(r, "X-Accel-Buffering", "no");
    static const char hello[] = "retry: 3000\n\n";
    /* request_detach flushes the head and the hint from this thread; after
     * it the hub is the stream's only writer, and `r` must not be written. */
    bool ok = resp_begin(r, 200, "text/event-stream; charset=utf-8") &&
              resp_write(r, hello, sizeof hello - 1);
    FCGX_Request *fr = ok ? request_detach(r) : NULL;
    if (!fr) {
        /* Classic CGI cannot hold a stream open (or the client already left):
         * the answer ends after the retry hint; the app stays in sync through
         * /sync, and EventSource tries again after `retry`. */
        slot_give(sid);
        client_free(c);
        return;
    }
    c->fcgx = fr;
    c->fd = fr->ipcFd;
    pthread_mutex_lock(&hub.lock);
    bool stopping = hub.stopping;
    if (!stopping) {
        c->next = hub.incoming;
        hub.incoming = c;
    }
    pthread_mutex_unlock(&hub.lock);
    if (stopping) {
        /* Detached, so this thread owns the request now and ends it. */
        FCGX_Finish_r(fr);
        free(fr);
        slot_give(c->session_id);
        client_free(c);
        return;
    }
    hub_wake();
}

static void stream_open(struct request *r)
{
    struct db *d = r->db;
    int64_t since;
    if (!resume_point(r, d, &since)) {
        resp_error(r, 400, "validation_failed", "Last-Event-ID must be a sequence number");
        return;
    }
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        resp_error(r, 503, "overloaded", "Out of memory");
        return;
    }
    snprintf(c->family_id, sizeof c->family_id, "%s", r->session->family_id);
    snprintf(c->member_id, sizeof c->member_id, "%s", r->session->family_member_id);
    if (r->session->assigned)
        snprintf(c->consultant_id, sizeof c->consultant_id, "%s", r->session->user_id);
    snprintf(c->name, sizeof c->name, "%s", member_name(r, d));
    /* The people it may see, as they are now: a changed limit ends the
     * stream (sql/021's trigger), and the reconnect brings the new one. */
    if (access_limited(r) && !(c->subjects = strdup(r->session->subjects))) {
        client_free(c);
        resp_error(r, 503, "overloaded", "Out of memory");
        return;
    }
    c->last_seq = since;
    /* Staff watching a family they are not in is a read of its data: the
     * family's audit log says so. */
    if (r->session->as_staff)
        audit_staff_read(r, d, r->session->family_id, "stream_opened", NULL);
    stream_start(r, c);
}

/* GET /api/v1/admin/stream — the console's: "client" events {family_id,
 * seq} for each change in a family the caller may see, from now on. */
static void console_open(struct request *r)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        resp_error(r, 503, "overloaded", "Out of memory");
        return;
    }
    c->console = true;
    if (!r->session->is_admin)
        snprintf(c->consultant_id, sizeof c->consultant_id, "%s", r->session->user_id);
    snprintf(c->name, sizeof c->name, "%s", "console");
    c->last_seq = current_seq(r->db);
    stream_start(r, c);
}

CARELOG_PROGRAM(stream, stream_init, stream_shutdown)
