/* appts.c — a series of appointments and its occurrences; see appts.h. */
#include "data/appts.h"

#include <stdio.h>
#include <string.h>

bool appt_parse_local(const char *s, struct civil *out)
{
    struct date d;
    char day[11];
    if (!s || strlen(s) != 16 || s[10] != 'T' || s[13] != ':')
        return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!date_parse(day, &d))
        return false;
    int h = 0, m = 0;
    for (int i = 11; i < 16; i++)
        if (i != 13 && (s[i] < '0' || s[i] > '9'))
            return false;
    h = (s[11] - '0') * 10 + (s[12] - '0');
    m = (s[14] - '0') * 10 + (s[15] - '0');
    if (h > 23 || m > 59)
        return false;
    *out = (struct civil){d.year, d.month, d.day, h, m, 0, 0};
    return true;
}

void appt_format_local(const struct civil *c, char out[17])
{
    snprintf(out, 17, "%04u-%02u-%02uT%02u:%02u", (unsigned)c->year % 10000u,
             (unsigned)c->month % 100u, (unsigned)c->day % 100u, (unsigned)c->hour % 100u,
             (unsigned)c->minute % 100u);
}

void appt_local_text(const struct tz *zone, int64_t ms, char out[17])
{
    struct civil c;
    tz_to_civil(zone, ms, &c);
    c.second = 0;
    appt_format_local(&c, out);
}

bool appt_series_read(struct appt_series *s, const char *dtstart, int duration_min,
                      const char *rrule, const char *exceptions_json, const struct tz *zone)
{
    memset(s, 0, sizeof *s);
    char err[160];
    if (!appt_parse_local(dtstart, &s->dtstart) || duration_min < 1)
        return false;
    s->duration_min = duration_min;
    if (rrule && *rrule) {
        if (!rrule_parse(rrule, zone, &s->rule, err, sizeof err))
            return false;
        s->has_rule = true;
    }
    cJSON *list = cJSON_Parse(exceptions_json ? exceptions_json : "[]");
    for (const cJSON *x = cJSON_IsArray(list) ? list->child : NULL;
         x && s->nexceptions < APPT_MAX_EXCEPTIONS; x = x->next) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(x, "original"),
                    *c = cJSON_GetObjectItemCaseSensitive(x, "cancelled"),
                    *st = cJSON_GetObjectItemCaseSensitive(x, "start"),
                    *en = cJSON_GetObjectItemCaseSensitive(x, "end");
        if (!cJSON_IsString(o) || strlen(o->valuestring) != 16)
            continue;
        struct appt_exception *e = &s->exceptions[s->nexceptions++];
        snprintf(e->original, sizeof e->original, "%s", o->valuestring);
        e->cancelled = cJSON_IsNumber(c) && c->valuedouble != 0;
        e->start = cJSON_IsNumber(st) ? (int64_t)st->valuedouble : 0;
        e->end = cJSON_IsNumber(en) ? (int64_t)en->valuedouble : 0;
    }
    cJSON_Delete(list);
    return true;
}

struct walk {
    const struct appt_series *s;
    const struct tz *zone;
    int64_t from, to;
    bool (*fn)(const struct appt_occurrence *o, void *arg);
    void *arg;
    int n;
    bool stop;
    /* appt_is_occurrence: the instant looked for, and what was found */
    int64_t want;
    bool found;
    char found_text[17];
};

/* One occurrence date of the rule (or the single start). */
static bool visit(struct date d, void *arg)
{
    struct walk *w = arg;
    struct civil c = w->s->dtstart;
    c.year = d.year;
    c.month = d.month;
    c.day = d.day;
    struct appt_occurrence o = {.moved = false};
    appt_format_local(&c, o.original);
    if (!tz_civil_to_utc(w->zone, &c, &o.original_at))
        return true;
    if (w->want) {
        if (o.original_at == w->want) {
            w->found = true;
            memcpy(w->found_text, o.original, sizeof o.original);
            return false;
        }
        return o.original_at < w->want;
    }
    o.start = o.original_at;
    o.end = o.start + (int64_t)w->s->duration_min * 60000;
    for (int i = 0; i < w->s->nexceptions; i++) {
        const struct appt_exception *e = &w->s->exceptions[i];
        if (strcmp(e->original, o.original) != 0)
            continue;
        if (e->cancelled)
            return true;
        if (e->end > e->start) {
            o.start = e->start;
            o.end = e->end;
            o.moved = true;
        }
    }
    /* Moves stay within a month, so nothing later can land in the window. */
    if (o.original_at >= w->to + APPT_MAX_MOVE_MS)
        return false;
    if (o.start >= w->from && o.start < w->to) {
        w->n++;
        if (!w->fn(&o, w->arg)) {
            w->stop = true;
            return false;
        }
    }
    return true;
}

int appt_occurrences(const struct appt_series *s, const struct tz *zone, int64_t from, int64_t to,
                     bool (*fn)(const struct appt_occurrence *o, void *arg), void *arg)
{
    struct walk w = {.s = s, .zone = zone, .from = from, .to = to, .fn = fn, .arg = arg};
    struct date start = {s->dtstart.year, s->dtstart.month, s->dtstart.day};
    if (!s->has_rule) {
        visit(start, &w);
        return w.n;
    }
    struct date last = tz_date_at(zone, to + APPT_MAX_MOVE_MS);
    rrule_expand(&s->rule, start, s->dtstart.hour * 60 + s->dtstart.minute, zone, last, visit, &w);
    return w.n;
}

bool appt_is_occurrence(const struct appt_series *s, const struct tz *zone, int64_t at,
                        char original[17])
{
    struct walk w = {.s = s, .zone = zone, .want = at};
    struct date start = {s->dtstart.year, s->dtstart.month, s->dtstart.day};
    if (!s->has_rule)
        visit(start, &w);
    else
        rrule_expand(&s->rule, start, s->dtstart.hour * 60 + s->dtstart.minute, zone,
                     tz_date_at(zone, at + 86400000LL), visit, &w);
    if (w.found)
        memcpy(original, w.found_text, 17);
    return w.found;
}
