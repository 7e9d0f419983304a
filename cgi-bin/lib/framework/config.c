/* config.c — environment settings shared by every carelog program. */
#include "framework/config.h"

#include "data/db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct config cfg;

bool env_int(const char *name, long def, long min, long max, long *out)
{
    const char *s = getenv(name);
    if (!s || !*s) {
        *out = def;
        return true;
    }
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool config_load(char *err, size_t errsz)
{
    /* The database holds personal data: files we create are ours alone. */
    umask(077);
    const char *dir = getenv("DATA_DIR");
    if (!dir || !*dir)
        dir = "./var";
    if (dir[0] == '/') {
        snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", dir);
    } else {
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd)) {
            snprintf(err, errsz, "getcwd failed");
            return false;
        }
        int n = snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s/%s", cwd, dir);
        if (n < 0 || (size_t)n >= sizeof cfg.data_dir) {
            snprintf(err, errsz, "DATA_DIR is too long");
            return false;
        }
    }
    int n = snprintf(cfg.db_path, sizeof cfg.db_path, "%s/carelog.db", cfg.data_dir);
    if (n < 0 || (size_t)n >= sizeof cfg.db_path) {
        snprintf(err, errsz, "DATA_DIR is too long");
        return false;
    }
    long v;
    if (!env_int("CARELOG_MAX_BODY", 1L << 20, 1024, 64L << 20, &v)) {
        snprintf(err, errsz, "CARELOG_MAX_BODY must be 1024..67108864");
        return false;
    }
    cfg.max_body = (size_t)v;
    /* Imports (a Baby Buddy or carelog export) are the one bigger body. */
    if (!env_int("CARELOG_MAX_IMPORT", 64L << 20, 1024, 1L << 30, &v)) {
        snprintf(err, errsz, "CARELOG_MAX_IMPORT must be 1024..1073741824");
        return false;
    }
    cfg.max_import = (size_t)v;
    if (!env_int("CARELOG_THREADS", 4, 1, 256, &v)) {
        snprintf(err, errsz, "CARELOG_THREADS must be 1..256");
        return false;
    }
    cfg.threads = (int)v;
    /* CARELOG_SYNC=normal trades the last commits on power loss for speed. */
    const char *sync = getenv("CARELOG_SYNC");
    if (sync && *sync && strcmp(sync, "full") != 0 && strcmp(sync, "normal") != 0) {
        snprintf(err, errsz, "CARELOG_SYNC must be full or normal");
        return false;
    }
    cfg.durable = !sync || strcmp(sync, "normal") != 0;
    db_set_durable(cfg.durable);
    return true;
}
