/* csv.h — a reader of CSV text (RFC 4180: quoted fields, doubled quotes,
 * CRLF or LF line ends, a UTF-8 byte-order mark skipped) that decodes each
 * record in place and says on which line of the file it began, so an import
 * can name the line of a bad row. */
#ifndef CARELOG_CSV_H
#define CARELOG_CSV_H

#include <stddef.h>

struct csv {
    char *p, *end; /* what is left to read (decoded in place) */
    int line;      /* the line the next record starts on (1-based) */
};

/* `text` (len bytes, writable, with text[len] a NUL byte it may overwrite)
 * is decoded in place as records are read. */
void csv_init(struct csv *c, char *text, size_t len);

enum csv_result { CSV_END = 0, CSV_RECORD = 1, CSV_BAD = -1 };

/* Reads the next record into fields[0..*nfields) (NUL-terminated strings
 * inside the text) and its first line into *line. Blank lines are skipped.
 * CSV_BAD: a quote left open to the end of the text, text after a closing
 * quote, a NUL byte, or more than `max` fields (the rest of that record is
 * skipped, so reading goes on with the next one). */
enum csv_result csv_next(struct csv *c, char **fields, int max, int *nfields, int *line);

#endif
