/* pushsend.h — delivers prepared Web Push requests (RFC 8030) to push
 * services: many in parallel over one libcurl multi handle, with bounded
 * concurrency, reused connections and HTTP/2 where the service offers it;
 * plus the pure policy helpers a sender needs (classifying a status,
 * parsing Retry-After, scheduling a retry).
 *
 * Safety policy, decided here once:
 * - https only. Plain http only with `allow_loopback`, and then only to
 *   127.0.0.1 (the test push service).
 * - The address actually connected to is checked (after DNS, so rebinding
 *   does not help): loopback, private, link-local, CGNAT, multicast and
 *   reserved ranges are refused, since endpoints come from browsers and
 *   must not reach into the server's own network. `allow_loopback` admits
 *   127.0.0.1 only.
 * - No proxy: proxy variables in the environment are ignored, so a
 *   subscription's URL is never routed through a host the operator did not
 *   choose, and the address check stays meaningful.
 * - No redirects; connect timeout 5 s, whole request 15 s. */
#ifndef CARELOG_PUSHSEND_H
#define CARELOG_PUSHSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sockaddr;

#define PUSH_ERROR_MAX 128

/* Status values that are not HTTP statuses. */
#define PUSH_STATUS_TRANSPORT 0  /* no response: DNS, connect, TLS, timeout */
#define PUSH_STATUS_REFUSED   -1 /* not sent: invalid message or address policy */

struct push_msg {
    /* in: all pointers must stay valid during pushsend_run */
    const char *endpoint;      /* the subscription's URL */
    const char *authorization; /* "vapid t=..., k=..." */
    const unsigned char *body; /* aes128gcm body */
    size_t body_len;
    long ttl;            /* seconds the service may keep it, 0 .. 2419200 (28 days) */
    const char *urgency; /* NULL, "very-low", "low", "normal" or "high" */
    const char *topic;   /* NULL or up to 32 base64url characters */
    /* out */
    int status;                 /* HTTP status, or PUSH_STATUS_TRANSPORT / _REFUSED */
    int64_t retry_after;        /* seconds from the response's Retry-After, -1 if none */
    char error[PUSH_ERROR_MAX]; /* why, when status <= 0 */
};

struct pushsend_opts {
    int max_in_flight;        /* transfers at once (default 32) */
    int max_host_connections; /* connections per push service (default 6) */
    long connect_timeout_ms;  /* default 5000 */
    long timeout_ms;          /* whole request, default 15000 */
    bool allow_loopback;      /* tests: admit http:// and https:// to 127.0.0.1 */
    const char *ca_file;      /* tests: trust this CA bundle instead of the system's */
};
void pushsend_default_opts(struct pushsend_opts *o);

struct pushsend;
/* One per sender thread; it keeps connections open between runs.
 * curl_global_init must have been called before (the sender's main). */
struct pushsend *pushsend_new(const struct pushsend_opts *o, char *err, size_t errsz);
/* Sends every message and fills its results; returns when all are done
 * (each is bounded by the timeouts). */
void pushsend_run(struct pushsend *ps, struct push_msg *msgs, size_t n);
struct pushsend_stats {
    long requests;    /* transfers completed, successfully or not */
    long connections; /* new TCP connections opened for them */
};
void pushsend_get_stats(const struct pushsend *ps, struct pushsend_stats *st);
void pushsend_free(struct pushsend *ps);

/* Whether connecting to this address is allowed (see the policy above). */
bool push_addr_allowed(const struct sockaddr *sa, bool allow_loopback);

/* ---- policy ---- */

enum push_outcome {
    PUSH_DELIVERED, /* 2xx (201 Created, 202 Accepted): done */
    PUSH_GONE,      /* 404, 410: the subscription is dead, deactivate it */
    PUSH_TOO_LARGE, /* 413: never retry this message */
    PUSH_RETRY,     /* 408, 425, 429, 5xx, transport errors: try again later */
    PUSH_REJECTED,  /* any other status (400, 401, 403 ...) or refused: log, don't retry */
};
enum push_outcome push_classify(int status);
const char *push_outcome_name(enum push_outcome o);

/* A Retry-After value as a delay in seconds from `now_s`: delta-seconds or
 * an HTTP-date (a date in the past gives 0). False when unparsable. */
bool push_retry_after_parse(const char *value, int64_t now_s, int64_t *delay_s);

struct push_backoff {
    int64_t base_ms;      /* delay after the first failed attempt */
    int64_t cap_ms;       /* the exponential delay never exceeds this (before jitter) */
    int max_attempts;     /* attempts in all, the first included */
    int64_t max_delay_ms; /* a Retry-After asking for longer than this: give up */
};
#define PUSH_BACKOFF_DEFAULT                                                                       \
    {                                                                                              \
        30 * 1000, 30 * 60 * 1000, 6, 6 * 3600 * 1000                                              \
    }

/* When to try again after `attempts` failed attempts (>= 1): now + the
 * larger of min(base·2^(attempts-1), cap) plus up to 50% jitter, and the
 * Retry-After (seconds, -1 for none), which is always honoured. -1 means
 * give up: attempts exhausted or Retry-After beyond max_delay_ms.
 * `jitter_permille` (0..999) is the caller's random draw, so the function
 * stays pure. */
int64_t push_next_attempt_ms(const struct push_backoff *b, int attempts, int64_t retry_after_s,
                             int64_t now_ms, unsigned jitter_permille);

#endif
