/* backup.h — carelogctl's backup, restore and check: consistent copies of a
 * running instance (the database and its keys in one tar), a restore that
 * swaps the live database in one SQLite write transaction, and a health
 * report. See backup.c for the procedure and README "Backups" for its use. */
#ifndef CARELOG_BACKUP_H
#define CARELOG_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

/* Takes a backup of DATA_DIR into `target`: a file path, an existing
 * directory, or NULL for $BACKUP_DIR (default DATA_DIR/backups). In a
 * directory the name is carelog-<UTC time>[-label].tar. With keep > 0, the
 * directory keeps only the `keep` newest unlabelled backups. The path made is
 * copied to out_path. 0 on success. */
int backup_cmd(const char *target, const char *label, int keep, char *out_path, size_t outsz);

/* Restores FILE (a carelogctl backup, or a plain SQLite database such as a
 * Litestream restore makes) into DATA_DIR; with `migrate`, brings it to this
 * program's schema before the live database sees it. 0 on success. */
int restore_cmd(const char *file, bool migrate);

/* Integrity and foreign-key checks, schema, sizes, rows per table and the
 * last backup, printed; 0 when the database is sound. */
int check_cmd(void);

/* The automatic backup before migrations: when the database exists and its
 * schema is older than this program's, takes a labelled backup
 * (pre-migrate-<from>-to-<to>) into the backup directory. 0 when there was
 * nothing to do or the backup succeeded. */
int backup_before_migrate(void);

#endif
