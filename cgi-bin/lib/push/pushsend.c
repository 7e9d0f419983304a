/* pushsend.c — Web Push delivery over the libcurl multi interface: a pool
 * of reusable easy handles, at most max_in_flight transfers at once, one
 * connection cache and TLS session cache for all of them; the address check
 * that keeps subscription URLs out of private networks; and the pure retry
 * policy helpers. */
#include "push/pushsend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "util/util.h"

#ifndef CARELOG_VERSION
#define CARELOG_VERSION "0.0.0-dev"
#endif

#define PUSH_MAX_TTL      2419200L /* 28 days: what push services keep at most */
#define PUSH_AUTH_MAX     2048
#define PUSH_TOPIC_MAX    32
#define RETRY_AFTER_MAX_S 999999999LL

struct xfer {
    struct pushsend *ps;
    CURL *easy;
    struct curl_slist *headers;
    struct push_msg *msg;
    bool plain_http; /* an http:// URL: only 127.0.0.1 may be connected to */
    bool blocked;    /* the address check refused a connection */
    char errbuf[CURL_ERROR_SIZE];
};

struct pushsend {
    CURLM *multi;
    CURLSH *share;
    struct pushsend_opts o;
    struct xfer *pool;
    struct xfer **idle;
    size_t nidle;
    long requests, connections;
};

void pushsend_default_opts(struct pushsend_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_in_flight = 32;
    o->max_host_connections = 6;
    o->connect_timeout_ms = 5000;
    o->timeout_ms = 15000;
}

/* ---- the address check ---- */

static bool v4_public(uint32_t a)
{
    unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff, b2 = (a >> 8) & 0xff;
    return !(b0 == 0 || b0 == 10 || b0 == 127 ||  /* this net, private, loopback */
             (b0 == 100 && (b1 & 0xc0) == 64) ||  /* 100.64/10 carrier NAT */
             (b0 == 169 && b1 == 254) ||          /* link-local, cloud metadata */
             (b0 == 172 && (b1 & 0xf0) == 16) ||  /* 172.16/12 */
             (b0 == 192 && b1 == 168) ||          /* 192.168/16 */
             (b0 == 192 && b1 == 0 && b2 == 0) || /* 192.0.0/24 protocol assignments */
             (b0 == 198 && (b1 & 0xfe) == 18) ||  /* 198.18/15 benchmarking */
             b0 >= 224);                          /* multicast, reserved, broadcast */
}

static uint32_t v4_at(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool v6_public(const unsigned char *a)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char zero[12] = {0};
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
        return v4_public(v4_at(a + 12));
    if (memcmp(a, zero, 12) == 0) /* ::, ::1 and the old IPv4-compatible form */
        return false;
    return !((a[0] & 0xfe) == 0xfc ||                   /* fc00::/7 unique local */
             (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || /* fe80::/10 link-local */
             (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) || /* fec0::/10 old site-local */
             a[0] == 0xff ||                            /* multicast */
             (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8) || /* docs */
             (a[0] == 0x01 && a[1] == 0 && a[2] == 0 && a[3] == 0 && a[4] == 0 && a[5] == 0 &&
              a[6] == 0 && a[7] == 0)); /* 100::/64 discard */
}

static bool is_loopback_127_0_0_1(const struct sockaddr *sa)
{
    if (sa->sa_family != AF_INET)
        return false;
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK;
}

bool push_addr_allowed(const struct sockaddr *sa, bool allow_loopback)
{
    if (!sa)
        return false;
    if (allow_loopback && is_loopback_127_0_0_1(sa))
        return true;
    if (sa->sa_family == AF_INET)
        return v4_public(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
    if (sa->sa_family == AF_INET6)
        return v6_public(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr);
    return false;
}

/* ---- curl callbacks ---- */

static curl_socket_t open_checked_socket(void *clientp, curlsocktype purpose,
                                         struct curl_sockaddr *a)
{
    struct xfer *x = clientp;
    const struct sockaddr *sa = &a->addr;
    bool allowed = purpose == CURLSOCKTYPE_IPCXN &&
                   (x->plain_http ? is_loopback_127_0_0_1(sa)
                                  : push_addr_allowed(sa, x->ps->o.allow_loopback));
    if (!allowed) {
        x->blocked = true;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t discard_body(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nitems;
    if (n >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
        x->msg->retry_after = -1; /* a new response begins */
    } else if (n > 12 && ascii_nieq(buf, "retry-after:", 12)) {
        size_t i = 12, end = n;
        while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        while (end > i && (buf[end - 1] == '\r' || buf[end - 1] == '\n' || buf[end - 1] == ' ' ||
                           buf[end - 1] == '\t'))
            end--;
        char v[64];
        int64_t delay = 0;
        if (end - i < sizeof v) {
            memcpy(v, buf + i, end - i);
            v[end - i] = '\0';
            if (push_retry_after_parse(v, (int64_t)time(NULL), &delay))
                x->msg->retry_after = delay;
        }
    }
    return n;
}

/* ---- message checks ---- */

static bool header_value_ok(const char *s, size_t max)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (n >= max || s[n] < 0x20 || s[n] > 0x7e)
            return false;
    return n > 0;
}

static bool topic_ok(const char *t)
{
    size_t n = 0;
    for (; t[n]; n++) {
        char c = t[n];
        if (n >= PUSH_TOPIC_MAX || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                     (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return n > 0;
}

static bool urgency_ok(const char *u)
{
    return !strcmp(u, "very-low") || !strcmp(u, "low") || !strcmp(u, "normal") ||
           !strcmp(u, "high");
}

/* Checks a message's fields and URL; sets *plain_http for an http:// URL,
 * which only allow_loopback admits, and only to 127.0.0.1. */
static const char *msg_problem(const struct pushsend *ps, const struct push_msg *m,
                               bool *plain_http)
{
    if (!m->endpoint || !m->authorization || !m->body || m->body_len == 0)
        return "missing endpoint, authorization or body";
    if (!header_value_ok(m->authorization, PUSH_AUTH_MAX))
        return "bad authorization header value";
    if (m->ttl < 0 || m->ttl > PUSH_MAX_TTL)
        return "ttl out of range";
    if (m->urgency && !urgency_ok(m->urgency))
        return "bad urgency";
    if (m->topic && !topic_ok(m->topic))
        return "bad topic";
    const char *problem = "bad endpoint URL";
    char *scheme = NULL, *host = NULL;
    CURLU *u = curl_url();
    if (u && curl_url_set(u, CURLUPART_URL, m->endpoint, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        *plain_http = ascii_ieq(scheme, "http");
        if (ascii_ieq(scheme, "https"))
            problem = NULL;
        else if (*plain_http && ps->o.allow_loopback && strcmp(host, "127.0.0.1") == 0)
            problem = NULL;
        else
            problem = "endpoint must be https";
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return problem;
}

/* ---- the pool ---- */

#define SETOPT(ok, e, opt, val) ((ok) = (ok) && curl_easy_setopt((e), (opt), (val)) == CURLE_OK)

static bool xfer_configure(struct pushsend *ps, struct xfer *x)
{
    bool ok = true;
    CURL *e = x->easy;
    SETOPT(ok, e, CURLOPT_NOSIGNAL, 1L);
    SETOPT(ok, e, CURLOPT_PROTOCOLS_STR, ps->o.allow_loopback ? "http,https" : "https");
    SETOPT(ok, e, CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(ok, e, CURLOPT_PROXY, ""); /* "" = no proxy, environment ignored */
    SETOPT(ok, e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    SETOPT(ok, e, CURLOPT_PIPEWAIT, 1L); /* prefer multiplexing over a new connection */
    SETOPT(ok, e, CURLOPT_CONNECTTIMEOUT_MS, ps->o.connect_timeout_ms);
    SETOPT(ok, e, CURLOPT_TIMEOUT_MS, ps->o.timeout_ms);
    SETOPT(ok, e, CURLOPT_POST, 1L);
    SETOPT(ok, e, CURLOPT_WRITEFUNCTION, discard_body);
    SETOPT(ok, e, CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(ok, e, CURLOPT_HEADERDATA, x);
    SETOPT(ok, e, CURLOPT_OPENSOCKETFUNCTION, open_checked_socket);
    SETOPT(ok, e, CURLOPT_OPENSOCKETDATA, x);
    SETOPT(ok, e, CURLOPT_ERRORBUFFER, x->errbuf);
    SETOPT(ok, e, CURLOPT_USERAGENT, "carelog/" CARELOG_VERSION);
    SETOPT(ok, e, CURLOPT_SHARE, ps->share);
    SETOPT(ok, e, CURLOPT_PRIVATE, x);
    if (ps->o.ca_file)
        SETOPT(ok, e, CURLOPT_CAINFO, ps->o.ca_file);
    return ok;
}

static bool add_header(struct xfer *x, const char *fmt, const char *value)
{
    char line[PUSH_AUTH_MAX + 64];
    int n = snprintf(line, sizeof line, fmt, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return false;
    struct curl_slist *l = curl_slist_append(x->headers, line);
    if (!l)
        return false;
    x->headers = l;
    return true;
}

static bool xfer_headers(struct xfer *x, const struct push_msg *m)
{
    char ttl[24];
    snprintf(ttl, sizeof ttl, "%ld", m->ttl);
    return add_header(x, "TTL: %s", ttl) && add_header(x, "Content-Encoding: %s", "aes128gcm") &&
           add_header(x, "Content-Type: %s", "application/octet-stream") &&
           add_header(x, "Authorization: %s", m->authorization) &&
           (!m->urgency || add_header(x, "Urgency: %s", m->urgency)) &&
           (!m->topic || add_header(x, "Topic: %s", m->topic)) &&
           add_header(x, "Expect:%s", ""); /* no 100-continue round trip */
}

static void refuse(struct push_msg *m, int status, const char *why)
{
    m->status = status;
    size_t n = strnlen(why, sizeof m->error - 1); /* curl's texts may be longer: cut */
    memcpy(m->error, why, n);
    m->error[n] = '\0';
}

/* Starts one transfer on an idle handle; false (with the message's result
 * set) when the message was refused or could not be started. */
static bool xfer_start(struct pushsend *ps, struct push_msg *m)
{
    m->status = PUSH_STATUS_TRANSPORT;
    m->retry_after = -1;
    m->error[0] = '\0';
    bool plain_http = false;
    const char *problem = msg_problem(ps, m, &plain_http);
    if (problem) {
        refuse(m, PUSH_STATUS_REFUSED, problem);
        return false;
    }
    struct xfer *x = ps->idle[--ps->nidle];
    x->msg = m;
    x->plain_http = plain_http;
    x->blocked = false;
    x->errbuf[0] = '\0';
    x->headers = NULL;
    bool ok = xfer_headers(x, m);
    CURL *e = x->easy;
    SETOPT(ok, e, CURLOPT_URL, m->endpoint);
    SETOPT(ok, e, CURLOPT_POSTFIELDS, (const char *)m->body);
    SETOPT(ok, e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)m->body_len);
    SETOPT(ok, e, CURLOPT_HTTPHEADER, x->headers);
    if (ok && curl_multi_add_handle(ps->multi, e) == CURLM_OK)
        return true;
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    x->msg = NULL;
    ps->idle[ps->nidle++] = x;
    refuse(m, PUSH_STATUS_TRANSPORT, "could not start the transfer");
    return false;
}

static void xfer_finish(struct pushsend *ps, struct xfer *x, CURLcode rc)
{
    struct push_msg *m = x->msg;
    long code = 0, connects = 0;
    if (curl_easy_getinfo(x->easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
        ps->connections += connects;
    if (rc == CURLE_OK && curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK &&
        code >= 100 && code <= 999) {
        m->status = (int)code;
    } else if (x->blocked) {
        refuse(m, PUSH_STATUS_REFUSED, "address not allowed");
    } else {
        refuse(m, PUSH_STATUS_TRANSPORT, x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    }
    ps->requests++;
    curl_multi_remove_handle(ps->multi, x->easy);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    x->msg = NULL;
    ps->idle[ps->nidle++] = x;
}

static void drain_done(struct pushsend *ps, size_t *active)
{
    CURLMsg *cm;
    int left = 0;
    while ((cm = curl_multi_info_read(ps->multi, &left))) {
        if (cm->msg != CURLMSG_DONE)
            continue;
        char *priv = NULL;
        if (curl_easy_getinfo(cm->easy_handle, CURLINFO_PRIVATE, &priv) != CURLE_OK || !priv)
            continue;
        struct xfer *x = (struct xfer *)priv;
        CURLcode rc = cm->data.result; /* read before the handle is removed */
        xfer_finish(ps, x, rc);
        (*active)--;
    }
}

/* The multi handle itself failed: every transfer in flight ends as a
 * transport error, to be retried by the caller's policy. */
static void abort_all(struct pushsend *ps, size_t *active, const char *why)
{
    for (int i = 0; i < ps->o.max_in_flight; i++) {
        struct xfer *x = &ps->pool[i];
        if (!x->msg)
            continue;
        snprintf(x->errbuf, sizeof x->errbuf, "%s", why);
        x->blocked = false;
        xfer_finish(ps, x, CURLE_FAILED_INIT);
        (*active)--;
    }
}

void pushsend_run(struct pushsend *ps, struct push_msg *msgs, size_t n)
{
    size_t next = 0, active = 0;
    while (next < n || active > 0) {
        while (next < n && ps->nidle > 0)
            if (xfer_start(ps, &msgs[next++]))
                active++;
        int running = 0;
        CURLMcode mc = curl_multi_perform(ps->multi, &running);
        if (mc == CURLM_OK)
            drain_done(ps, &active);
        if (mc == CURLM_OK && active > 0)
            mc = curl_multi_poll(ps->multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK)
            abort_all(ps, &active, curl_multi_strerror(mc));
    }
}

struct pushsend *pushsend_new(const struct pushsend_opts *o, char *err, size_t errsz)
{
    struct pushsend *ps = calloc(1, sizeof *ps);
    if (!ps) {
        snprintf(err, errsz, "out of memory");
        return NULL;
    }
    ps->o = *o;
    if (ps->o.max_in_flight < 1 || ps->o.max_in_flight > 1024 || ps->o.max_host_connections < 1 ||
        ps->o.connect_timeout_ms < 1 || ps->o.timeout_ms < 1) {
        snprintf(err, errsz, "pushsend options out of range");
        free(ps);
        return NULL;
    }
    size_t np = (size_t)ps->o.max_in_flight;
    ps->multi = curl_multi_init();
    ps->share = curl_share_init();
    ps->pool = calloc(np, sizeof *ps->pool);
    ps->idle = calloc(np, sizeof *ps->idle);
    bool ok =
        ps->multi && ps->share && ps->pool && ps->idle &&
        curl_share_setopt(ps->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK &&
        curl_multi_setopt(ps->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX) == CURLM_OK &&
        curl_multi_setopt(ps->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                          (long)ps->o.max_host_connections) == CURLM_OK &&
        curl_multi_setopt(ps->multi, CURLMOPT_MAXCONNECTS, (long)np) == CURLM_OK;
    for (size_t i = 0; ok && i < np; i++) {
        struct xfer *x = &ps->pool[i];
        x->ps = ps;
        x->easy = curl_easy_init();
        ok = x->easy && xfer_configure(ps, x);
        ps->idle[ps->nidle++] = x;
    }
    if (!ok) {
        snprintf(err, errsz, "cannot set up libcurl");
        pushsend_free(ps);
        return NULL;
    }
    return ps;
}

void pushsend_get_stats(const struct pushsend *ps, struct pushsend_stats *st)
{
    st->requests = ps->requests;
    st->connections = ps->connections;
}

void pushsend_free(struct pushsend *ps)
{
    if (!ps)
        return;
    /* Easy handles go before the multi handle that caches their connections,
     * and the share handle last, once nothing uses it. */
    for (int i = 0; ps->pool && i < ps->o.max_in_flight; i++)
        curl_easy_cleanup(ps->pool[i].easy);
    curl_multi_cleanup(ps->multi);
    curl_share_cleanup(ps->share);
    free(ps->pool);
    free(ps->idle);
    free(ps);
}

/* ---- policy ---- */

enum push_outcome push_classify(int status)
{
    if (status >= 200 && status <= 299)
        return PUSH_DELIVERED;
    if (status == 404 || status == 410)
        return PUSH_GONE;
    if (status == 413)
        return PUSH_TOO_LARGE;
    if (status == PUSH_STATUS_TRANSPORT || status == 408 || status == 425 || status == 429 ||
        (status >= 500 && status <= 599))
        return PUSH_RETRY;
    return PUSH_REJECTED;
}

const char *push_outcome_name(enum push_outcome o)
{
    switch (o) {
    case PUSH_DELIVERED:
        return "delivered";
    case PUSH_GONE:
        return "gone";
    case PUSH_TOO_LARGE:
        return "too_large";
    case PUSH_RETRY:
        return "retry";
    case PUSH_REJECTED:
        return "rejected";
    }
    return "unknown";
}

bool push_retry_after_parse(const char *value, int64_t now_s, int64_t *delay_s)
{
    if (!value || !*value)
        return false;
    size_t digits = strspn(value, "0123456789");
    if (digits > 0) {
        if (value[digits])
            return false;
        int64_t v = RETRY_AFTER_MAX_S;
        if (digits <= 9 && !parse_int64(value, &v))
            return false;
        *delay_s = v;
        return true;
    }
    /* Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the
     * day name; curl_getdate alone would take looser text. */
    if (!((value[0] >= 'A' && value[0] <= 'Z') || (value[0] >= 'a' && value[0] <= 'z')))
        return false;
    time_t t = curl_getdate(value, NULL);
    if (t == (time_t)-1)
        return false;
    int64_t d = (int64_t)t - now_s;
    *delay_s = d < 0 ? 0 : d > RETRY_AFTER_MAX_S ? RETRY_AFTER_MAX_S : d;
    return true;
}

int64_t push_next_attempt_ms(const struct push_backoff *b, int attempts, int64_t retry_after_s,
                             int64_t now_ms, unsigned jitter_permille)
{
    if (attempts < 1 || attempts >= b->max_attempts || b->base_ms < 0 || b->cap_ms < 0)
        return -1;
    if (retry_after_s > b->max_delay_ms / 1000)
        return -1;
    int64_t d = b->base_ms;
    for (int i = 1; i < attempts && d < b->cap_ms && d <= INT64_MAX / 4; i++)
        d *= 2;
    if (d > b->cap_ms)
        d = b->cap_ms;
    if (jitter_permille > 999)
        jitter_permille = 999;
    /* Jitter on top of the capped delay, so that senders which failed
     * together spread out even once they reach the cap. */
    d += d <= INT64_MAX / 1000 ? d / 2 * (int64_t)jitter_permille / 1000
                               : d / 2 / 1000 * (int64_t)jitter_permille;
    if (retry_after_s >= 0 && retry_after_s * 1000 > d)
        d = retry_after_s * 1000;
    return now_ms + d;
}
