/* babybuddy.c — Baby Buddy's words ↔ carelog's (see babybuddy.h). */
#include "data/babybuddy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/tz.h"

const char *const bb_feeding_types[] = {"breast milk", "formula", "fortified breast milk",
                                        "solid food", NULL};
const char *const bb_feeding_methods[] = {
    "bottle", "left breast", "right breast", "both breasts", "parent fed", "self fed", NULL};
const char *const bb_diaper_colors[] = {"black", "brown", "green", "yellow", NULL};

static bool one_of(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static void note_line(struct buf *notes, const char *text)
{
    if (notes->len)
        buf_puts(notes, "\n");
    buf_puts(notes, text);
}

bool bb_feed_value(const char *type, const char *method, double amount_ml, cJSON *value,
                   struct buf *notes, const char **message)
{
    *message = NULL;
    if (!one_of(type, bb_feeding_types)) {
        *message = "type must be one of: breast milk, formula, fortified breast milk, solid food";
        return false;
    }
    if (!one_of(method, bb_feeding_methods)) {
        *message = "method must be one of: bottle, left breast, right breast, both breasts, "
                   "parent fed, self fed";
        return false;
    }
    bool solid = strcmp(type, "solid food") == 0;
    const char *m = solid                                 ? "solids"
                    : strcmp(method, "left breast") == 0  ? "breast_left"
                    : strcmp(method, "right breast") == 0 ? "breast_right"
                    : strcmp(method, "both breasts") == 0 ? "breast_both"
                                                          : "bottle";
    cJSON_AddStringToObject(value, "method", m);
    if (strcmp(m, "bottle") == 0)
        cJSON_AddStringToObject(value, "milk",
                                strcmp(type, "formula") == 0 ? "formula" : "breast_milk");
    if (strcmp(type, "fortified breast milk") == 0)
        note_line(notes, "fortified breast milk");
    if (strcmp(method, "parent fed") == 0 || strcmp(method, "self fed") == 0)
        note_line(notes, method);
    if (amount_ml >= 0) {
        long ml = (long)(amount_ml + 0.5);
        if ((strcmp(m, "bottle") == 0 || solid) && ml >= 1) {
            cJSON_AddNumberToObject(value, "amount_ml", (double)ml);
        } else {
            char line[64];
            snprintf(line, sizeof line, "amount: %g ml", amount_ml);
            note_line(notes, line);
        }
    }
    return true;
}

void bb_feed_words(const cJSON *value, const char **type, const char **method)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(value, "method");
    const cJSON *milk = cJSON_GetObjectItemCaseSensitive(value, "milk");
    const char *ms = cJSON_IsString(m) ? m->valuestring : "";
    *type = "breast milk";
    if (strcmp(ms, "breast_left") == 0) {
        *method = "left breast";
    } else if (strcmp(ms, "breast_right") == 0) {
        *method = "right breast";
    } else if (strcmp(ms, "breast_both") == 0) {
        *method = "both breasts";
    } else if (strcmp(ms, "solids") == 0) {
        *type = "solid food";
        *method = "parent fed";
    } else {
        *method = "bottle";
        if (cJSON_IsString(milk) && strcmp(milk->valuestring, "breast_milk") != 0)
            *type = "formula";
    }
}

const char *bb_color_in(const char *color)
{
    for (const char *const *c = bb_diaper_colors; *c; c++)
        if (ascii_ieq(color, *c))
            return *c; /* the same four words in carelog's catalogue */
    return NULL;
}

double bb_f_to_c(double f)
{
    return (f - 32.0) * 5.0 / 9.0;
}

double bb_c_to_f(double c)
{
    return c * 9.0 / 5.0 + 32.0;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool same_civil(const struct civil *a, const struct civil *b)
{
    return a->year == b->year && a->month == b->month && a->day == b->day && a->hour == b->hour &&
           a->minute == b->minute && a->second == b->second;
}

bool bb_time_parse(const char *s, const struct tz *zone, int64_t *ms, const char **note)
{
    *note = NULL;
    struct civil c = {0};
    size_t len = strlen(s);
    if (len < 10 || !digits(s, 4, &c.year) || s[4] != '-' || !digits(s + 5, 2, &c.month) ||
        s[7] != '-' || !digits(s + 8, 2, &c.day))
        return false;
    const char *p = s + 10;
    int millis = 0;
    bool date_only = *p == '\0';
    if (date_only) {
        c.hour = 12;
    } else {
        if ((*p != ' ' && *p != 'T') || !digits(p + 1, 2, &c.hour) || p[3] != ':' ||
            !digits(p + 4, 2, &c.minute))
            return false;
        p += 6;
        if (*p == ':') {
            if (!digits(p + 1, 2, &c.second))
                return false;
            p += 3;
            if (*p == '.') {
                p++;
                int n = 0, scale = 100;
                while (*p >= '0' && *p <= '9') {
                    if (n < 3)
                        millis += (*p - '0') * scale;
                    scale /= 10;
                    n++;
                    p++;
                }
                if (n == 0)
                    return false;
            }
        }
    }
    bool has_offset = false;
    int offset_s = 0;
    if (*p == 'Z' && p[1] == '\0') {
        has_offset = true;
    } else if ((*p == '+' || *p == '-') && !date_only) {
        int oh, om;
        const char *q = p + 1;
        if (!digits(q, 2, &oh))
            return false;
        q += 2;
        if (*q == ':')
            q++;
        if (!digits(q, 2, &om) || q[2] != '\0' || oh > 23 || om > 59)
            return false;
        offset_s = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        has_offset = true;
    } else if (*p != '\0') {
        return false;
    }
    if (has_offset) {
        const struct tz *utc = tz_get("UTC");
        int64_t at;
        if (!utc || !tz_civil_to_utc(utc, &c, &at))
            return false;
        *ms = at - (int64_t)offset_s * 1000 + millis;
        return true;
    }
    int64_t at;
    if (!tz_civil_to_utc(zone, &c, &at))
        return false;
    struct civil back, later;
    tz_to_civil(zone, at, &back);
    if (!same_civil(&back, &c)) {
        *note = "this wall time does not exist in the family's time zone (clocks went forward): "
                "taken as the moment they changed";
    } else {
        tz_to_civil(zone, at + 3600 * 1000LL, &later);
        if (same_civil(&later, &c))
            *note = "this wall time happened twice in the family's time zone (clocks went back): "
                    "taken as the first";
    }
    *ms = at + millis;
    return true;
}

void bb_time_format(const struct tz *zone, int64_t ms, char out[40])
{
    struct civil c;
    tz_to_civil(zone, ms, &c);
    int off = tz_offset_at(zone, ms);
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", c.year % 10000, c.month, c.day,
             c.hour, c.minute, c.second, sign, off / 3600, (off / 60) % 60);
}

void bb_duration_format(int64_t ms, char out[48])
{
    if (ms < 0)
        ms = 0;
    int64_t s = ms / 1000;
    int64_t days = s / 86400;
    s %= 86400;
    if (days > 0)
        snprintf(out, 48, "%lld %02lld:%02lld:%02lld", (long long)days, (long long)(s / 3600),
                 (long long)(s / 60 % 60), (long long)(s % 60));
    else
        snprintf(out, 48, "%02lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                 (long long)(s % 60));
}

bool bb_truthy(const char *s)
{
    return strcmp(s, "1") == 0 || ascii_ieq(s, "true") || ascii_ieq(s, "yes") ||
           ascii_ieq(s, "t") || ascii_ieq(s, "y");
}
