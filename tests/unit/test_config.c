/* test_config.c — the programs' settings from the environment: defaults,
 * a relative DATA_DIR made absolute, and each bad value refused with the
 * words that name the setting and its range (a program then refuses to
 * start rather than run with a guess). */
#include "tap.h"
#include "framework/config.h"

#include <stdlib.h>
#include <string.h>

/* config_load with NAME=VALUE set (and unset again after); its error. */
static const char *load_with(const char *name, const char *value, bool *ok)
{
    static char err[256];
    err[0] = '\0';
    setenv(name, value, 1);
    *ok = config_load(err, sizeof err);
    unsetenv(name);
    return err;
}

int main(void)
{
    char err[256];
    unsetenv("CARELOG_THREADS");
    unsetenv("CARELOG_SYNC");
    setenv("DATA_DIR", "rel/dir", 1);
    ok(config_load(err, sizeof err), "defaults load");
    is_int(cfg.threads, 4, "4 threads by default");
    is_int((long long)cfg.max_body, 1 << 20, "1 MiB bodies by default");
    ok(cfg.durable, "durable commits by default");
    ok(cfg.data_dir[0] == '/' && strstr(cfg.data_dir, "/rel/dir"),
       "a relative DATA_DIR is made absolute");

    static const struct {
        const char *name, *value, *words;
    } bad[] = {
        {"CARELOG_MAX_BODY", "12", "CARELOG_MAX_BODY must be 1024..67108864"},
        {"CARELOG_MAX_BODY", "1e6", "CARELOG_MAX_BODY must be 1024..67108864"},
        {"CARELOG_MAX_IMPORT", "99999999999", "CARELOG_MAX_IMPORT must be 1024..1073741824"},
        {"CARELOG_THREADS", "0", "CARELOG_THREADS must be 1..256"},
        {"CARELOG_THREADS", "four", "CARELOG_THREADS must be 1..256"},
        {"CARELOG_SYNC", "off", "CARELOG_SYNC must be full or normal"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bool loaded;
        const char *got = load_with(bad[i].name, bad[i].value, &loaded);
        ok(!loaded, "%s=%s is refused", bad[i].name, bad[i].value);
        is_str(got, bad[i].words, "…saying what it must be");
    }
    bool loaded;
    load_with("CARELOG_SYNC", "normal", &loaded);
    ok(loaded && !cfg.durable, "CARELOG_SYNC=normal trades durability for speed");

    static char long_dir[5000];
    memset(long_dir, 'd', sizeof long_dir - 1);
    long_dir[0] = '/';
    const char *got = load_with("DATA_DIR", long_dir, &loaded);
    ok(!loaded && strcmp(got, "DATA_DIR is too long") == 0,
       "a DATA_DIR too long for a path is refused");
    return done_testing();
}
