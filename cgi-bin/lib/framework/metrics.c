/* metrics.c — per-program figures in a shared file, and their Prometheus
 * rendering (metrics.h). The file is fixed-size: a header, one slot per
 * route (plus one for requests no route matched) and the named values.
 * Writers only ever add (relaxed atomics: each number is exact, a reader
 * may see one a moment old); the reader maps the files read-only. */
#define _GNU_SOURCE
#include "framework/metrics.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "framework/route.h"

#define M_MAGIC   0x4d474c43u /* "CLGM" */
#define M_VERSION 1
#define M_ROUTES  48

/* Statuses counted one by one; any other lands in "other". */
static const int statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405,
                               409, 410, 411, 413, 414, 415, 429, 500, 503};
#define M_STATUS (sizeof statuses / sizeof statuses[0] + 1)
/* Latency bucket bounds in microseconds (Prometheus `le`, in seconds). */
static const int64_t bounds_us[] = {500,   1000,   2500,   5000,   10000,   25000,
                                    50000, 100000, 250000, 500000, 1000000, 2500000};
#define M_BUCKETS (sizeof bounds_us / sizeof bounds_us[0])

struct m_route {
    char method[8];
    char pattern[120];
    uint64_t status[M_STATUS];
    uint64_t bucket[M_BUCKETS]; /* not cumulative: requests in (bound[i-1], bound[i]] */
    uint64_t count, sum_us;
};

struct m_file {
    uint32_t magic, version;
    char program[32];
    uint32_t nroutes;
    struct m_route routes[M_ROUTES + 1]; /* the last: no route matched */
    int64_t values[M_COUNT];
};

static struct m_file *mine;           /* mapped once at start; NULL: off */
static const struct route *my_routes; /* the table the slots follow */

static const struct {
    const char *name, *type, *help;
} values[M_COUNT] = {
    [M_STREAMS_OPEN] = {"carelog_streams_open", "gauge", "Live streams open now."},
    [M_STREAM_EVENTS] = {"carelog_stream_events_total", "counter",
                         "Events written to live streams."},
    [M_COMMIT_GROUPS] = {"carelog_group_commits_total", "counter",
                         "Write transactions committed for ROUTE_WRITE requests."},
    [M_COMMIT_WRITES] = {"carelog_group_commit_requests_total", "counter",
                         "Requests those transactions held (requests / commits = group size)."},
};

static bool metrics_path(const char *data_dir, const char *name, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/metrics/%s.metrics", data_dir, name);
    return n > 0 && (size_t)n < outsz;
}

bool metrics_open(const char *data_dir, const char *program, const struct route *routes,
                  size_t nroutes)
{
    char dir[4096], path[4096], tmp[4200];
    if (snprintf(dir, sizeof dir, "%s/metrics", data_dir) >= (int)sizeof dir ||
        !metrics_path(data_dir, program, path, sizeof path))
        return false;
    if (mkdir(dir, 0700) != 0 && access(dir, W_OK) != 0)
        return false;
    /* A new file each start (a restart begins from zero, as counters may),
     * renamed into place so the reader never maps a half-made one. */
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = ftruncate(fd, sizeof(struct m_file)) == 0;
    struct m_file *f =
        ok ? mmap(NULL, sizeof *f, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (f == MAP_FAILED) {
        unlink(tmp);
        return false;
    }
    snprintf(f->program, sizeof f->program, "%s", program);
    f->nroutes = nroutes < M_ROUTES ? (uint32_t)nroutes : M_ROUTES;
    for (uint32_t i = 0; i < f->nroutes; i++) {
        snprintf(f->routes[i].method, sizeof f->routes[i].method, "%s", routes[i].method);
        snprintf(f->routes[i].pattern, sizeof f->routes[i].pattern, "%s", routes[i].pattern);
    }
    f->version = M_VERSION;
    __atomic_store_n(&f->magic, M_MAGIC, __ATOMIC_RELEASE);
    if (rename(tmp, path) != 0) {
        munmap(f, sizeof *f);
        unlink(tmp);
        return false;
    }
    my_routes = routes;
    mine = f;
    return true;
}

static void add(uint64_t *at, uint64_t n)
{
    __atomic_fetch_add(at, n, __ATOMIC_RELAXED);
}

void metrics_request(const struct route *rt, int status, int64_t us)
{
    if (!mine)
        return;
    size_t i = rt ? (size_t)(rt - my_routes) : M_ROUTES;
    struct m_route *m = &mine->routes[i < mine->nroutes ? i : M_ROUTES];
    size_t s = 0;
    while (s < M_STATUS - 1 && statuses[s] != status)
        s++;
    size_t b = 0;
    while (b < M_BUCKETS && us > bounds_us[b])
        b++;
    add(&m->status[s], 1);
    if (b < M_BUCKETS)
        add(&m->bucket[b], 1);
    add(&m->count, 1);
    add(&m->sum_us, us > 0 ? (uint64_t)us : 0);
}

void metrics_add(enum metric m, int64_t delta)
{
    if (mine)
        __atomic_fetch_add(&mine->values[m], delta, __ATOMIC_RELAXED);
}

void metrics_set(enum metric m, int64_t value)
{
    if (mine)
        __atomic_store_n(&mine->values[m], value, __ATOMIC_RELAXED);
}

/* ---------- the reader ---------- */

#define MAX_PROGRAMS 32

static int map_all(const char *data_dir, const struct m_file **files)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/metrics", data_dir);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < MAX_PROGRAMS) {
        size_t len = strlen(e->d_name);
        if (len < 9 || strcmp(e->d_name + len - 8, ".metrics") != 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
            continue;
        const struct m_file *f = MAP_FAILED;
        if (fstat(fd, &st) == 0 && (size_t)st.st_size == sizeof *f)
            f = mmap(NULL, sizeof *f, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (f == MAP_FAILED)
            continue;
        if (__atomic_load_n(&f->magic, __ATOMIC_ACQUIRE) != M_MAGIC || f->version != M_VERSION ||
            f->nroutes > M_ROUTES) {
            munmap((void *)f, sizeof *f);
            continue;
        }
        files[n++] = f;
    }
    closedir(d);
    return n;
}

static uint64_t load(const uint64_t *at)
{
    return __atomic_load_n(at, __ATOMIC_RELAXED);
}

/* A label value: the patterns and names are ours, but quote what the text
 * format needs quoted anyway. */
static void label(struct buf *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_puts(out, "\\");
        buf_append(out, s, 1);
    }
}

static void route_labels(struct buf *out, const struct m_file *f, uint32_t i)
{
    buf_puts(out, "program=\"");
    label(out, f->program);
    if (i < f->nroutes) {
        buf_puts(out, "\",method=\"");
        label(out, f->routes[i].method);
        buf_puts(out, "\",route=\"");
        label(out, f->routes[i].pattern);
        buf_puts(out, "\"");
    } else {
        buf_puts(out, "\",method=\"\",route=\"none\"");
    }
}

void metrics_render(const char *data_dir, struct buf *out)
{
    const struct m_file *files[MAX_PROGRAMS];
    int n = map_all(data_dir, files);

    buf_puts(out, "# HELP carelog_http_requests_total Requests answered, by program, route and "
                  "status.\n# TYPE carelog_http_requests_total counter\n");
    for (int k = 0; k < n; k++)
        for (uint32_t i = 0; i <= M_ROUTES; i++) {
            const struct m_route *m = &files[k]->routes[i];
            if (i >= files[k]->nroutes && i != M_ROUTES)
                continue;
            for (size_t s = 0; s < M_STATUS; s++) {
                uint64_t v = load(&m->status[s]);
                if (!v)
                    continue;
                buf_puts(out, "carelog_http_requests_total{");
                route_labels(out, files[k], i);
                if (s < M_STATUS - 1)
                    buf_printf(out, ",status=\"%d\"} %llu\n", statuses[s], (unsigned long long)v);
                else
                    buf_printf(out, ",status=\"other\"} %llu\n", (unsigned long long)v);
            }
        }

    buf_puts(out, "# HELP carelog_http_request_duration_seconds Time from a request's arrival "
                  "at the program to its answer.\n"
                  "# TYPE carelog_http_request_duration_seconds histogram\n");
    for (int k = 0; k < n; k++)
        for (uint32_t i = 0; i <= M_ROUTES; i++) {
            const struct m_route *m = &files[k]->routes[i];
            if ((i >= files[k]->nroutes && i != M_ROUTES) || !load(&m->count))
                continue;
            uint64_t cum = 0;
            for (size_t b = 0; b < M_BUCKETS; b++) {
                cum += load(&m->bucket[b]);
                buf_puts(out, "carelog_http_request_duration_seconds_bucket{");
                route_labels(out, files[k], i);
                buf_printf(out, ",le=\"%g\"} %llu\n", (double)bounds_us[b] / 1e6,
                           (unsigned long long)cum);
            }
            uint64_t count = load(&m->count);
            buf_puts(out, "carelog_http_request_duration_seconds_bucket{");
            route_labels(out, files[k], i);
            buf_printf(out, ",le=\"+Inf\"} %llu\n",
                       (unsigned long long)(count > cum ? count : cum));
            buf_puts(out, "carelog_http_request_duration_seconds_sum{");
            route_labels(out, files[k], i);
            buf_printf(out, "} %.6f\n", (double)load(&m->sum_us) / 1e6);
            buf_puts(out, "carelog_http_request_duration_seconds_count{");
            route_labels(out, files[k], i);
            buf_printf(out, "} %llu\n", (unsigned long long)(count > cum ? count : cum));
        }

    for (int m = 0; m < M_COUNT; m++) {
        buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", values[m].name, values[m].help,
                   values[m].name, values[m].type);
        for (int k = 0; k < n; k++)
            buf_printf(out, "%s{program=\"%s\"} %lld\n", values[m].name, files[k]->program,
                       (long long)__atomic_load_n(&files[k]->values[m], __ATOMIC_RELAXED));
    }
    for (int k = 0; k < n; k++)
        munmap((void *)files[k], sizeof *files[k]);
}
