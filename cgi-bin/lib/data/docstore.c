/* docstore.c — the document vault (see docstore.h): its rows as JSON, and
 * its files under DATA_DIR/documents/: type by magic bytes, atomic writes,
 * and the sweep that removes the files of deleted rows once their deletion
 * has committed. */
#include "data/docstore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "data/db.h"
#include "data/rows.h"
#include "framework/config.h"
#include "framework/log.h"
#include "util/util.h"

cJSON *document_json_row(sqlite3_stmt *st)
{
    static const char *const text[] = {"id",       "subject_id",   "title",
                                       "category", "date",         "visibility",
                                       "filename", "content_type", NULL};
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; text[i]; i++)
        json_col_text(o, text[i], st, i);
    json_col_int(o, "size", st, 8);
    json_col_text(o, "sha256", st, 9);
    json_col_text(o, "preview_type", st, 10);
    json_col_text(o, "created_by", st, 11);
    json_col_text(o, "created_by_name", st, 12);
    json_col_int(o, "created_at", st, 13);
    json_col_int(o, "updated_at", st, 14);
    json_col_int(o, "seq", st, DOCUMENT_SEQ_COL);
    cJSON_AddBoolToObject(o, "deleted", sqlite3_column_int(st, 19) != 0);
    return o;
}

const char *docstore_sniff(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "application/pdf";
    /* HEIC/HEIF: a first box "ftyp" whose major brand is a HEIF one. */
    if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
        static const char *const brands[] = {"heic", "heix", "hevc", "hevx", "heim",
                                             "heis", "mif1", "msf1", NULL};
        for (const char *const *b = brands; *b; b++)
            if (memcmp(p + 8, *b, 4) == 0)
                return "image/heic";
    }
    return NULL;
}

const char *docstore_ext(const char *content_type)
{
    static const char *const map[][2] = {{"image/jpeg", "jpg"},
                                         {"image/png", "png"},
                                         {"image/webp", "webp"},
                                         {"image/heic", "heic"},
                                         {"application/pdf", "pdf"}};
    for (size_t i = 0; content_type && i < ARRAY_LEN(map); i++)
        if (strcmp(content_type, map[i][0]) == 0)
            return map[i][1];
    return "bin";
}

bool docstore_name_ok(const char *name)
{
    if (!name || strlen(name) != DOC_NAME_LEN)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
            return false;
    return true;
}

bool docstore_path(const char *name, char *out, size_t outsz)
{
    if (name && !docstore_name_ok(name))
        return false;
    int n = name ? snprintf(out, outsz, "%s/documents/%s", cfg.data_dir, name)
                 : snprintf(out, outsz, "%s/documents", cfg.data_dir);
    return n > 0 && (size_t)n < outsz;
}

static bool sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    return close(fd) == 0 && ok;
}

bool docstore_write(struct docfile *f, const void *data, size_t n)
{
    memset(f, 0, sizeof *f);
    unsigned char rnd[DOC_NAME_LEN / 2];
    randombytes_buf(rnd, sizeof rnd);
    hex_encode(rnd, sizeof rnd, f->name);
    char dir[4096];
    if (!docstore_path(NULL, dir, sizeof dir))
        return false;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_event("error", "documents.mkdir", strerror(errno));
        return false;
    }
    int len = snprintf(f->tmp, sizeof f->tmp, "%s/.tmp-%s", dir, f->name);
    if (len <= 0 || (size_t)len >= sizeof f->tmp)
        return false;
    int fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_event("error", "documents.write", strerror(errno));
        f->tmp[0] = '\0';
        return false;
    }
    const char *p = data;
    size_t left = n;
    bool ok = true;
    while (ok && left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok) {
            p += w;
            left -= (size_t)w;
        }
    }
    ok = ok && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        log_event("error", "documents.write", strerror(errno));
        unlink(f->tmp);
        f->tmp[0] = '\0';
    }
    return ok;
}

bool docstore_publish(struct docfile *f)
{
    char path[4096], dir[4096];
    if (!f->tmp[0] || !docstore_path(f->name, path, sizeof path) ||
        !docstore_path(NULL, dir, sizeof dir))
        return false;
    if (rename(f->tmp, path) != 0) {
        log_event("error", "documents.rename", strerror(errno));
        return false;
    }
    f->published = true;
    f->tmp[0] = '\0';
    if (!sync_dir(dir)) {
        log_event("error", "documents.fsync_dir", strerror(errno));
        return false;
    }
    return true;
}

void docstore_discard(struct docfile *f)
{
    char path[4096];
    if (f->tmp[0])
        unlink(f->tmp);
    if (f->published && docstore_path(f->name, path, sizeof path))
        unlink(path);
    f->tmp[0] = '\0';
    f->published = false;
}

int docstore_sweep(struct db *d, int max)
{
    int removed = 0;
    while (removed < max) {
        char name[DOC_NAME_LEN + 8];
        sqlite3_stmt *st = db_stmt(d, "SELECT file FROM document_files_gone LIMIT 1");
        if (!st)
            return -1;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
            sqlite3_reset(st);
            break;
        }
        if (rc != SQLITE_ROW) {
            sqlite3_reset(st);
            return -1;
        }
        snprintf(name, sizeof name, "%s", db_col_text(st, 0));
        sqlite3_reset(st);
        char path[4096];
        if (docstore_path(name, path, sizeof path) && unlink(path) != 0 && errno != ENOENT) {
            log_event("error", "documents.unlink", strerror(errno));
            return -1; /* kept listed: tried again next time */
        }
        if (!db_begin(d))
            return -1;
        st = db_stmt(d, "DELETE FROM document_files_gone WHERE file = ?");
        if (!st || !db_bind_text(st, 1, name) || sqlite3_step(st) != SQLITE_DONE) {
            if (st)
                sqlite3_reset(st);
            db_rollback(d);
            return -1;
        }
        sqlite3_reset(st);
        if (!db_commit(d)) {
            db_rollback(d);
            return -1;
        }
        removed++;
    }
    return removed;
}

void docstore_filename(const char *title, const char *content_type, char *out, size_t outsz)
{
    char base[61];
    size_t n = 0;
    bool gap = false;
    for (const char *c = title ? title : ""; *c && n < sizeof base - 1; c++) {
        bool keep = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.';
        if (keep) {
            if (gap && n > 0 && n < sizeof base - 2)
                base[n++] = '_';
            gap = false;
            base[n++] = *c;
        } else {
            gap = true;
        }
    }
    while (n > 0 && base[n - 1] == '.')
        n--;
    base[n] = '\0';
    /* no leading dot: never a hidden file */
    const char *b = base;
    while (*b == '.')
        b++;
    snprintf(out, outsz, "%s.%s", *b ? b : "document", docstore_ext(content_type));
}
