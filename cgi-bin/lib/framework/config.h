/* config.h — settings read once from the environment at program start,
 * before any worker thread exists, and read-only afterwards. */
#ifndef CARELOG_CONFIG_H
#define CARELOG_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef CARELOG_VERSION
#define CARELOG_VERSION "0.0.0-dev"
#endif

struct config {
    char data_dir[PATH_MAX]; /* DATA_DIR, default ./var, made absolute */
    char db_path[PATH_MAX];  /* DATA_DIR/carelog.db */
    size_t max_body;         /* CARELOG_MAX_BODY bytes, default 1 MiB */
    size_t max_import;       /* CARELOG_MAX_IMPORT bytes (an import's body), default 64 MiB */
    int threads;             /* CARELOG_THREADS worker threads, default 4 */
    bool durable;            /* CARELOG_SYNC=full (default): commits synced before the answer */
};

extern struct config cfg;

/* Fills `cfg` from the environment. Returns false (with a message) when a
 * setting is present but unusable. */
bool config_load(char *err, size_t errsz);

/* Integer environment setting with bounds; `def` when absent. */
bool env_int(const char *name, long def, long min, long max, long *out);

#endif
