/* csv.c — RFC 4180 records decoded in place (see csv.h). */
#include "util/csv.h"

#include <string.h>

void csv_init(struct csv *c, char *text, size_t len)
{
    c->p = text;
    c->end = text + len;
    c->line = 1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        c->p += 3;
}

/* Skips to just past the end of the current line (for a record given up on). */
static void skip_line(struct csv *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->line++;
    }
}

enum csv_result csv_next(struct csv *c, char **fields, int max, int *nfields, int *line)
{
    *nfields = 0;
    /* blank lines between records are not records */
    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r')) {
        if (*c->p == '\n')
            c->line++;
        c->p++;
    }
    if (c->p >= c->end)
        return CSV_END;
    *line = c->line;
    for (;;) {
        if (*nfields >= max) {
            skip_line(c);
            return CSV_BAD;
        }
        char *out = c->p, *start = c->p;
        fields[(*nfields)++] = start;
        if (c->p < c->end && *c->p == '"') {
            c->p++;
            for (;;) {
                if (c->p >= c->end)
                    return CSV_BAD; /* the quote never closed */
                char ch = *c->p;
                if (ch == '\0') {
                    skip_line(c);
                    return CSV_BAD;
                }
                if (ch == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        *out++ = '"';
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (ch == '\n')
                    c->line++;
                *out++ = ch;
                c->p++;
            }
            if (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                skip_line(c);
                return CSV_BAD;
            }
        } else {
            while (c->p < c->end && *c->p != ',' && *c->p != '\n' && *c->p != '\r') {
                if (*c->p == '\0') {
                    skip_line(c);
                    return CSV_BAD;
                }
                out++;
                c->p++;
            }
        }
        /* the separator or line end: the field ends here */
        char sep = c->p < c->end ? *c->p : '\n';
        *out = '\0'; /* out <= c->p: the separator's own byte at the latest */
        if (sep == ',') {
            c->p++;
            continue;
        }
        /* (*c->p may be the NUL just written: the separator is in sep) */
        if (c->p < c->end) {
            if (sep == '\r' && c->p + 1 < c->end && c->p[1] == '\n') {
                c->p++;
                sep = '\n';
            }
            if (sep == '\n')
                c->line++;
            c->p++;
        }
        return CSV_RECORD;
    }
}
