/* log.h — one JSON line per request (and per notable server event) on
 * stderr, which lighttpd writes to its error log. Never bodies, cookies,
 * tokens, emails or names: only what the signature below admits. */
#ifndef CARELOG_LOG_H
#define CARELOG_LOG_H

#include <stdbool.h>
#include <stdint.h>

/* The program name that prefixes every line; set once at start. */
void log_set_program(const char *name);
/* Drops every line from now on (for harnesses that run millions of requests). */
void log_set_quiet(bool on);
void log_request(const char *method, const char *route, int status, int64_t duration_us);
/* A server event: `event` is a fixed identifier ("db_open_failed"); `detail`
 * is program-made text such as an SQLite error message, never user input. */
void log_event(const char *level, const char *event, const char *detail);

#endif
