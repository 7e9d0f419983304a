/* pushmsg.c — what a notification says and how it enters the outbox: the
 * words in three languages, queueing a message once per firing, the test
 * notification, the snooze capability in a payload, and the VAPID key file.
 * The FastCGI push program needs only this; sending is pushpass.c, in the
 * carelog-push program. */
#include "push/pushmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "security/secret.h"
#include "util/util.h"
#include "push/webpush.h"

/* ---------- the snooze capability ---------- */

void push_snooze_token(const char *reminder_id, int64_t expires_ms, char *out, size_t outsz)
{
    char msg[80], mac[HASH_HEX_LEN + 1];
    snprintf(msg, sizeof msg, "%s.%lld", reminder_id, (long long)expires_ms);
    keyed_hash("snooze", msg, mac);
    snprintf(out, outsz, "%s.%s", msg, mac);
}

bool push_snooze_token_check(const char *token, char reminder_id[37])
{
    char id[37], expect[200];
    long long exp;
    if (!token || strlen(token) > 150 || sscanf(token, "%36[0-9a-f-].%lld.", id, &exp) != 2 ||
        !uuid_is_valid(id) || exp < now_ms())
        return false;
    push_snooze_token(id, exp, expect, sizeof expect);
    if (!secret_equals(expect, token))
        return false;
    memcpy(reminder_id, id, 37);
    return true;
}

struct vapid_key *push_vapid_key(const char *data_dir, char *err, size_t errsz)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/vapid.pem", data_dir);
    struct vapid_key *k = vapid_load_pem(path, err, errsz);
    if (k)
        return k;
    k = vapid_generate();
    /* Saving refuses to replace a file: when another process won the race,
     * its key is the one to use. */
    if (!k || !vapid_save_pem(k, path, err, errsz)) {
        vapid_free(k);
        return vapid_load_pem(path, err, errsz);
    }
    return k;
}

/* ---------- words: the few strings a notification needs, per language ---------- */

static const char *const words[][W_WORDS] = {
    {"Feed due",
     "Diaper check",
     "Reminder",
     "Last feed %s ago",
     "Last diaper %s ago",
     "No feed logged yet",
     "Time for %s",
     "Log feed",
     "Log diaper",
     "Open",
     "Snooze 15 min",
     "left side",
     "right side",
     "both sides",
     "bottle",
     "solids",
     "carelog",
     "Notifications work on this device",
     "Dose due",
     "Dose missed",
     "Refill soon",
     "%s at %s",
     "%s was due at %s and is not marked given",
     "%s: %s left",
     "Appointment",
     "%s on %s at %s",
     "driver: %s",
     "Shift in 1 hour",
     "With %s, %s–%s",
     "Nobody checked in",
     "The shift with %s started at %s",
     "Last: %s, %s ago",
     "Nothing logged yet: %s",
     "Your role changed",
     "%s: you are now %s",
     "owner",
     "caregiver",
     "viewer",
     "Removed from a family",
     "You are no longer a member of %s",
     "Emergency: %s",
     "%s raised an alert — open to answer",
     "fall",
     "breathing problem",
     "chest pain",
     "confusion",
     "help needed"},
    {"הגיע זמן האכלה",
     "בדיקת חיתול",
     "תזכורת",
     "האכלה אחרונה לפני %s",
     "חיתול אחרון לפני %s",
     "עדיין לא נרשמה האכלה",
     "הגיע הזמן: %s",
     "רישום האכלה",
     "רישום חיתול",
     "פתיחה",
     "נודניק 15 דק׳",
     "צד שמאל",
     "צד ימין",
     "שני הצדדים",
     "בקבוק",
     "מוצקים",
     "carelog",
     "ההתראות פועלות במכשיר הזה",
     "הגיע זמן מנה",
     "מנה שלא ניתנה",
     "צריך לחדש מרשם",
     "%s בשעה %s",
     "%s היה אמור להינתן בשעה %s ולא סומן שניתן",
     "%s: נשארו %s",
     "תור",
     "%s ב-%s בשעה %s",
     "נהג/ת: %s",
     "משמרת בעוד שעה",
     "עם %s, %s–%s",
     "אף אחד לא נכנס למשמרת",
     "המשמרת עם %s התחילה בשעה %s",
     "הרישום האחרון: %s, לפני %s",
     "עדיין לא נרשם: %s",
     "התפקיד שלך השתנה",
     "%s: התפקיד שלך עכשיו %s",
     "בעלים",
     "מטפל/ת",
     "צופה",
     "הוסרת ממשפחה",
     "את/ה כבר לא חבר/ה ב-%s",
     "מצב חירום: %s",
     "%s הפעיל/ה התראה — פתחו כדי לענות",
     "נפילה",
     "קושי בנשימה",
     "כאב בחזה",
     "בלבול",
     "נדרשת עזרה"},
    {"Tétée / biberon",
     "Change à vérifier",
     "Rappel",
     "Dernier repas il y a %s",
     "Dernière couche il y a %s",
     "Aucun repas noté",
     "C'est l'heure : %s",
     "Noter un repas",
     "Noter une couche",
     "Ouvrir",
     "Rappeler dans 15 min",
     "côté gauche",
     "côté droit",
     "les deux côtés",
     "biberon",
     "solide",
     "carelog",
     "Les notifications fonctionnent sur cet appareil",
     "Prise à donner",
     "Prise manquée",
     "À renouveler",
     "%s à %s",
     "%s était prévu à %s et n'est pas noté comme donné",
     "%s : il en reste %s",
     "Rendez-vous",
     "%s le %s à %s",
     "chauffeur : %s",
     "Garde dans 1 heure",
     "Avec %s, %s–%s",
     "Personne n'a pris son poste",
     "La garde auprès de %s a commencé à %s",
     "Dernière fois : %s, il y a %s",
     "Rien de noté pour l'instant : %s",
     "Votre rôle a changé",
     "%s : vous êtes maintenant %s",
     "propriétaire",
     "aidant",
     "lecteur",
     "Retiré d'une famille",
     "Vous ne faites plus partie de %s",
     "Urgence : %s",
     "%s a lancé une alerte — ouvrez pour répondre",
     "chute",
     "difficulté à respirer",
     "douleur thoracique",
     "confusion",
     "besoin d'aide"},
};

bool push_quiet_now(int start_min, int end_min, const struct tz *z, int64_t now)
{
    struct civil c;
    tz_to_civil(z, now, &c);
    int m = c.hour * 60 + c.minute;
    return start_min <= end_min ? (m >= start_min && m < end_min) : (m >= start_min || m < end_min);
}

void push_topic(const char *key, char out[33])
{
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
    hex_encode(h, sizeof h, out);
}

int push_lang(const char *locale)
{
    if (locale && strcmp(locale, "he") == 0)
        return 1;
    if (locale && strcmp(locale, "fr") == 0)
        return 2;
    return 0;
}

void push_duration_text(int64_t ms, char *out, size_t outsz)
{
    int64_t min = ms / 60000;
    if (min < 60)
        snprintf(out, outsz, "%lld min", (long long)min);
    else if (min % 60 == 0)
        snprintf(out, outsz, "%lld h", (long long)(min / 60));
    else
        snprintf(out, outsz, "%lld h %lld min", (long long)(min / 60), (long long)(min % 60));
}

const char *const *push_words(int lang)
{
    return words[lang >= 0 && lang < 3 ? lang : 0];
}

cJSON *push_payload_new(int lang, const char *kind, const char *family_id, const char *title,
                        const char *body, const char *url, const char *tag)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "title", title);
    cJSON_AddStringToObject(p, "body", body);
    cJSON_AddStringToObject(p, "url", url);
    cJSON_AddStringToObject(p, "tag", tag);
    cJSON *actions = cJSON_AddArrayToObject(p, "actions");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "action", "open");
    cJSON_AddStringToObject(a, "title", push_words(lang)[W_OPEN]);
    cJSON_AddItemToArray(actions, a);
    cJSON *data = cJSON_AddObjectToObject(p, "data");
    cJSON_AddStringToObject(data, "kind", kind);
    cJSON_AddStringToObject(data, "family_id", family_id);
    return p;
}

bool push_queue_message(struct db *d, const char *sub_id, const char *reminder_id,
                        const char *dedupe, const char *payload, const char *topic,
                        const char *urgency, int64_t ttl, int64_t now, bool *queued)
{
    return push_queue_message_at(d, sub_id, reminder_id, dedupe, payload, topic, urgency, ttl, now,
                                 now, queued);
}

bool push_queue_message_at(struct db *d, const char *sub_id, const char *reminder_id,
                           const char *dedupe, const char *payload, const char *topic,
                           const char *urgency, int64_t ttl, int64_t now, int64_t send_at,
                           bool *queued)
{
    sqlite3_stmt *st = db_stmt(
        d, "INSERT INTO push_messages (subscription_id, reminder_id, dedupe, payload, topic, "
           "urgency, ttl, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (subscription_id, dedupe) DO NOTHING");
    bool ok = st && db_bind_text(st, 1, sub_id) && db_bind_text(st, 2, reminder_id) &&
              db_bind_text(st, 3, dedupe) && db_bind_text(st, 4, payload) &&
              db_bind_text(st, 5, topic) && db_bind_text(st, 6, urgency) &&
              db_bind_int64(st, 7, ttl) && db_bind_int64(st, 8, send_at) &&
              db_bind_int64(st, 9, now) && db_step_done(d, st);
    *queued = ok && sqlite3_changes(d->h) == 1;
    return ok;
}

int push_queue_test(struct db *d, const char *user_id, const char *member_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT ps.id, coalesce(u.locale, 'en') FROM "
                                  "push_subscriptions ps LEFT JOIN users u ON u.id = ps.user_id "
                                  "WHERE ps.active = 1 AND (ps.user_id = ?1 OR ps.member_id = ?2)");
    if (!st || !db_bind_text(st, 1, user_id) || !db_bind_text(st, 2, member_id))
        return -1;
    struct {
        char id[37];
        int lang;
    } subs[64];
    int n = 0;
    while (n < 64 && sqlite3_step(st) == SQLITE_ROW) {
        snprintf(subs[n].id, sizeof subs[n].id, "%s", db_col_text(st, 0));
        subs[n++].lang = push_lang(db_col_text(st, 1));
    }
    sqlite3_reset(st);
    char dedupe[48];
    char uuid[37];
    uuid_v4(uuid);
    snprintf(dedupe, sizeof dedupe, "test@%s", uuid);
    int64_t now = now_ms();
    int queued = 0;
    for (int i = 0; i < n; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "title", words[subs[i].lang][W_TEST_TITLE]);
        cJSON_AddStringToObject(p, "body", words[subs[i].lang][W_TEST_BODY]);
        cJSON_AddStringToObject(p, "url", "/");
        cJSON_AddStringToObject(p, "tag", "carelog-test");
        cJSON_AddArrayToObject(p, "actions");
        char *text = cJSON_PrintUnformatted(p);
        cJSON_Delete(p);
        bool q = false;
        bool ok = text && push_queue_message(d, subs[i].id, NULL, dedupe, text, NULL, "normal", 600,
                                             now, &q);
        free(text);
        if (!ok)
            return -1;
        queued += q;
    }
    return queued;
}
