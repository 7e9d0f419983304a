/* meds.c — a medication's schedule and the state of its doses; see meds.h. */
#include "data/meds.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

int med_parse_hhmm(const char *s)
{
    if (!s || strlen(s) != 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Sorts and drops repeats. */
static void sort_distinct(int *v, int *n)
{
    qsort(v, (size_t)*n, sizeof *v, cmp_int);
    int k = 0;
    for (int i = 0; i < *n; i++)
        if (k == 0 || v[k - 1] != v[i])
            v[k++] = v[i];
    *n = k;
}

bool med_schedule_times(struct med_schedule *s, const char *kind, const char *times_json,
                        int every_hours, const char *first_time)
{
    s->nminutes = 0;
    if (strcmp(kind, "prn") == 0) {
        s->kind = MED_PRN;
        return true;
    }
    if (strcmp(kind, "interval") == 0) {
        s->kind = MED_INTERVAL;
        int first = med_parse_hhmm(first_time);
        if (first < 0 || every_hours < 1 || every_hours > 24 || 24 % every_hours != 0)
            return false;
        for (int k = 0; k < 24 / every_hours; k++)
            s->minutes[s->nminutes++] = (first + k * every_hours * 60) % 1440;
        sort_distinct(s->minutes, &s->nminutes);
        return true;
    }
    if (strcmp(kind, "times") != 0)
        return false;
    s->kind = MED_TIMES;
    cJSON *list = cJSON_Parse(times_json ? times_json : "");
    bool ok = cJSON_IsArray(list);
    for (const cJSON *t = ok ? list->child : NULL; t && ok; t = t->next) {
        int m = cJSON_IsString(t) ? med_parse_hhmm(t->valuestring) : -1;
        ok = m >= 0 && s->nminutes < MED_MAX_TIMES;
        if (ok)
            s->minutes[s->nminutes++] = m;
    }
    cJSON_Delete(list);
    if (ok)
        sort_distinct(s->minutes, &s->nminutes);
    return ok;
}

int med_day_slots(const struct med_schedule *s, const struct tz *zone, struct date day,
                  int64_t *out, int max)
{
    if (!s->active || s->kind == MED_PRN || !date_is_valid(day))
        return 0;
    int64_t d = date_to_days(day);
    if (d < date_to_days(s->start) || (s->has_end && d > date_to_days(s->end)))
        return 0;
    int n = 0;
    for (int i = 0; i < s->nminutes && n < max; i++) {
        struct civil c = {day.year,           day.month, day.day, s->minutes[i] / 60,
                          s->minutes[i] % 60, 0,         0};
        int64_t at;
        if (!tz_civil_to_utc(zone, &c, &at))
            continue;
        /* Times of day are sorted, and so are their instants, except that
         * a gap can fold two onto one; keep it once. */
        if (n > 0 && out[n - 1] >= at)
            continue;
        out[n++] = at;
    }
    return n;
}

enum dose_state dose_state_at(int64_t scheduled, int64_t now, const char *status)
{
    if (status && strcmp(status, "given") == 0)
        return DOSE_GIVEN;
    if (status && strcmp(status, "skipped") == 0)
        return DOSE_SKIPPED;
    if (now < scheduled + DOSE_LATE_AFTER_MS)
        return DOSE_DUE;
    return now < scheduled + DOSE_MISSED_AFTER_MS ? DOSE_LATE : DOSE_MISSED;
}

const char *dose_state_name(enum dose_state s)
{
    static const char *const names[] = {"due", "late", "missed", "given", "skipped"};
    return names[s];
}

bool dose_on_time(int64_t scheduled, int64_t given_at)
{
    return given_at >= scheduled - DOSE_EARLY_MS && given_at <= scheduled + DOSE_MISSED_AFTER_MS;
}
