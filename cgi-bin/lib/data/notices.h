/* notices.h — inbox items and emergency alerts as the API's JSON, shared by
 * the programs that answer them (cgi-bin/inbox.c, cgi-bin/alerts.c) and the
 * live stream that sends them, so a record reads the same in both. */
#ifndef CARELOG_NOTICES_H
#define CARELOG_NOTICES_H

#include <cjson/cJSON.h>
#include <sqlite3.h>

/* An inbox item (inbox i) with its family's name and the reader's unread
 * count (over every membership of the same account); callers append WHERE.
 * Its seq is column 10, family 1, member 11. */
#define INBOX_SELECT                                                                               \
    "SELECT i.id, i.family_id, f.name, i.kind, i.about, i.about_id, i.subject_id, i.data, "        \
    "i.created_at, i.read_at, i.seq, i.member_id, (SELECT count(*) FROM inbox x JOIN members xm "  \
    "ON xm.id = x.member_id WHERE x.read_at IS NULL AND (xm.id = i.member_id OR xm.user_id = "     \
    "im.user_id)) FROM inbox i JOIN families f ON f.id = i.family_id JOIN members im ON "          \
    "im.id = i.member_id "
#define INBOX_SEQ_COL    10
#define INBOX_FAMILY_COL 1
#define INBOX_MEMBER_COL 11

/* {id, family_id, family_name, kind, about, about_id, subject_id, data,
 * created_at, read_at, seq}. */
cJSON *inbox_json_row(sqlite3_stmt *st);
/* The stream's event: {item, unread}. */
cJSON *inbox_event_row(sqlite3_stmt *st);

/* An alert (alerts a) with its sender's and resolver's names and its
 * answers as a JSON array; callers append WHERE. Its seq is column 13,
 * family 1. */
#define ALERT_SELECT                                                                               \
    "SELECT a.id, a.family_id, a.sender_id, coalesce(su.name, sm.guest_name), a.type, "            \
    "a.message, a.lat, a.lon, a.accuracy, a.created_at, a.resolved_at, "                           \
    "coalesce(ru.name, rm.guest_name), a.resolve_note, a.seq, a.updated_at, "                      \
    "(SELECT json_group_array(json_object('member_id', aa.member_id, 'name', "                     \
    "coalesce(au.name, am.guest_name), 'answer', aa.answer, 'at', aa.answered_at)) FROM "          \
    "alert_answers aa JOIN members am ON am.id = aa.member_id LEFT JOIN users au ON "              \
    "au.id = am.user_id WHERE aa.alert_id = a.id), a.resolved_by FROM alerts a "                   \
    "JOIN members sm ON sm.id = a.sender_id LEFT JOIN users su ON su.id = sm.user_id "             \
    "LEFT JOIN members rm ON rm.id = a.resolved_by LEFT JOIN users ru ON ru.id = rm.user_id "
#define ALERT_SEQ_COL    13
#define ALERT_FAMILY_COL 1

/* {id, family_id, sender: {member_id, name}, type, message, location
 * ({lat, lon, accuracy} or null), created_at, resolved_at, resolved_by,
 * resolve_note, answers: [{member_id, name, answer, at}], seq, updated_at}. */
cJSON *alert_json_row(sqlite3_stmt *st);

#endif
