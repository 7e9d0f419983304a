/* metrics.h — each FastCGI program keeps its figures in a small file it maps
 * shared (DATA_DIR/metrics/<program>.metrics): requests by route and
 * status, a latency histogram per route, and a few named values (open
 * streams, events sent, group commits). The meta program reads every such
 * file for GET /metrics (Prometheus text format), so no program ever talks
 * to another and counting a request costs a few atomic additions. */
#ifndef CARELOG_METRICS_H
#define CARELOG_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

struct route;

/* The named values a program may keep. */
enum metric {
    M_STREAMS_OPEN,  /* gauge: streams open now (stream) */
    M_STREAM_EVENTS, /* counter: events written to streams (stream) */
    M_COMMIT_GROUPS, /* counter: group commits (framework/commit.c) */
    M_COMMIT_WRITES, /* counter: requests those commits held */
    M_COUNT
};

/* Creates (or replaces) this program's file; false leaves metrics off. Once,
 * at start, before the workers (FastCGI only: a CGI run is one request). */
bool metrics_open(const char *data_dir, const char *program, const struct route *routes,
                  size_t nroutes);
/* One answered request (route NULL: no route matched; else one of the table
 * given to metrics_open). Thread-safe. */
void metrics_request(const struct route *rt, int status, int64_t us);
void metrics_add(enum metric m, int64_t delta);
void metrics_set(enum metric m, int64_t value);

/* Appends every program's figures as Prometheus text (the meta program).
 * Families are complete: each metric's samples from all programs together. */
void metrics_render(const char *data_dir, struct buf *out);

#endif
