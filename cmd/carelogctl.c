/* carelogctl — the administrator's command: create or migrate the database
 * and prepare an instance for `make run`.
 *   carelogctl migrate   apply pending migrations (refuses a newer schema)
 *   carelogctl setup     migrate, then everything a first start needs
 *   carelogctl version   print the program and schema versions */
#include "carelog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int cmd_migrate(void)
{
    if (mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "carelogctl: cannot create %s: %s\n", cfg.data_dir, strerror(errno));
        return 1;
    }
    char err[256];
    if (!database_prepare(err, sizeof err)) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return 1;
    }
    return 0;
}

static int cmd_setup(void)
{
    return cmd_migrate();
}

static int cmd_version(void)
{
    int known = carelog_migrations_count
                    ? carelog_migrations[carelog_migrations_count - 1].version
                    : 0;
    printf("carelog %s (schema %d)\n", CARELOG_VERSION, known);
    return 0;
}

static const struct {
    const char *name;
    int (*run)(void);
} commands[] = {
    {"migrate", cmd_migrate},
    {"setup", cmd_setup},
    {"version", cmd_version},
};

int main(int argc, char **argv)
{
    log_set_program("carelogctl");
    char err[256];
    if (!config_load(err, sizeof err)) {
        fprintf(stderr, "carelogctl: %s\n", err);
        return 1;
    }
    for (size_t i = 0; argc == 2 && i < ARRAY_LEN(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run();
    fprintf(stderr, "usage: carelogctl migrate | setup | version\n");
    return 2;
}
