/* docstore.h — the document vault: its rows as the API's JSON (shared by
 * the documents program and the live stream), and its files:
 * DATA_DIR/documents/<name>, where
 * <name> is 32 random hex digits made here (never anything a client sent).
 * A file is written whole under a temporary name and synced before it is
 * renamed into place, so a name in the database always means whole bytes;
 * the type of a file is told by its first bytes, never by a name or a
 * client's Content-Type. */
#ifndef CARELOG_DOCSTORE_H
#define CARELOG_DOCSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

struct db;

/* The columns a document read selects (documents d), in the order
 * document_json_row reads them; callers append WHERE. The stored file's
 * name, the preview's, the family and whether it is deleted follow. */
#define DOCUMENT_SELECT                                                                            \
    "SELECT d.id, d.subject_id, d.title, d.category, d.doc_date, d.visibility, d.filename, "       \
    "d.content_type, d.size, d.sha256, d.preview_type, d.created_by, "                             \
    "coalesce(u.name, m.guest_name), d.created_at, d.updated_at, d.seq, d.file, d.preview_file, "  \
    "d.family_id, d.deleted_at IS NOT NULL FROM documents d "                                      \
    "LEFT JOIN members m ON m.id = d.created_by LEFT JOIN users u ON u.id = m.user_id "
#define DOCUMENT_SEQ_COL     15
#define DOCUMENT_FILE_COL    16
#define DOCUMENT_PREVIEW_COL 17
#define DOCUMENT_FAMILY_COL  18

/* The API's JSON for the current row of a DOCUMENT_SELECT statement. */
cJSON *document_json_row(sqlite3_stmt *st);

#define DOC_NAME_LEN 32 /* hex digits of a file's name */

/* The MIME type the bytes begin like: image/jpeg, image/png, image/webp,
 * image/heic (an ISO-BMFF "ftyp" box with a HEIF brand) or application/pdf;
 * NULL for anything else. */
const char *docstore_sniff(const unsigned char *p, size_t n);
/* The file name extension (no dot) for one of those types; "bin" otherwise. */
const char *docstore_ext(const char *content_type);

/* Whether `name` has the shape of a name docstore_write makes. */
bool docstore_name_ok(const char *name);
/* DATA_DIR/documents/<name> into out; false when it does not fit or the
 * name is not one of ours. NULL name: the directory itself. */
bool docstore_path(const char *name, char *out, size_t outsz);

/* A stored file in the making: written and synced under `tmp`, then made
 * visible under `name` by docstore_publish. */
struct docfile {
    char name[DOC_NAME_LEN + 1];
    char tmp[4096];
    bool published;
};

/* Writes `data` to a new temporary file and syncs it; false on an I/O
 * error (nothing is left behind). */
bool docstore_write(struct docfile *f, const void *data, size_t n);
/* Renames it into place and syncs the directory. */
bool docstore_publish(struct docfile *f);
/* Removes whatever docstore_write/docstore_publish made (a failed request). */
void docstore_discard(struct docfile *f);

/* Removes the files the database lists in document_files_gone and their
 * lines, in transactions of its own (call it outside any): up to `max`
 * files per call. The number removed, or -1 on a database error. */
int docstore_sweep(struct db *d, int max);

/* A download name from a title: ASCII letters, digits, '-', '_' and '.'
 * kept, runs of anything else one '_', at most 60 characters, "document"
 * when nothing is left, then ".<ext>". out must hold 72 bytes. */
void docstore_filename(const char *title, const char *content_type, char *out, size_t outsz);

#endif
