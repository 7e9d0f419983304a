/* test_csv.c — the CSV reader the import uses: quoted fields with commas,
 * doubled quotes and line breaks, CRLF and LF, a byte-order mark, blank
 * lines, the line each record starts on, and each way a record is bad
 * (an open quote, text after a closing quote, a NUL, too many fields) with
 * reading going on at the next record. */
#include "tap.h"
#include "util/csv.h"

#include <stdio.h>
#include <string.h>

#define MAXF 8

/* Reads every record of `src` as "line:field|field;" into out. */
static const char *read_all(const char *src, size_t len)
{
    static char text[4096], out[4096];
    memcpy(text, src, len);
    text[len] = '\0';
    struct csv c;
    csv_init(&c, text, len);
    char *f[MAXF];
    int n, line;
    size_t used = 0;
    out[0] = '\0';
    enum csv_result r;
    while ((r = csv_next(&c, f, MAXF, &n, &line)) != CSV_END) {
        used += (size_t)snprintf(out + used, sizeof out - used, "%d:", line);
        if (r == CSV_BAD) {
            used += (size_t)snprintf(out + used, sizeof out - used, "BAD;");
            continue;
        }
        for (int i = 0; i < n; i++)
            used += (size_t)snprintf(out + used, sizeof out - used, "%s%s", i ? "|" : "", f[i]);
        used += (size_t)snprintf(out + used, sizeof out - used, ";");
    }
    return out;
}

#define READS(src, want, ...) is_str(read_all(src, sizeof src - 1), want, __VA_ARGS__)

int main(void)
{
    READS("a,b\nc,d\n", "1:a|b;2:c|d;", "plain records, LF");
    READS("a,b\r\nc,d", "1:a|b;2:c|d;", "CRLF, and a last record without a line end");
    READS("\xEF\xBB\xBF"
          "id,name\n1,x\n",
          "1:id|name;2:1|x;", "a UTF-8 byte-order mark is skipped");
    READS("a\n\n\r\nb\n", "1:a;4:b;", "blank lines are no records, and lines still count");
    READS("\"x, y\",\"say \"\"hi\"\"\"\n", "1:x, y|say \"hi\";",
          "quoted commas and doubled quotes");
    READS("\"two\nlines\",z\nnext\n", "1:two\nlines|z;3:next;",
          "a line break inside quotes: the next record's line");
    READS("a,,\n", "1:a||;", "empty fields");
    READS("\"open,b\n", "1:BAD;", "a quote left open to the end is bad");
    READS("\"a\"b,c\nok\n", "1:BAD;2:ok;", "text after a closing quote: bad, and reading goes on");
    READS("1,2,3,4,5,6,7,8,9\nok\n", "1:BAD;2:ok;",
          "more fields than allowed: bad, the next record read");
    READS("a\0b\nok\n", "1:BAD;2:ok;", "a NUL byte in a field is bad");
    READS("\"a\0b\"\nok\n", "1:BAD;2:ok;", "…inside quotes too");
    READS("", "", "empty text: no records");
    return done_testing();
}
