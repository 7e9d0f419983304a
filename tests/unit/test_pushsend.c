/* test_pushsend.c — the push transport's policy without a push service:
 * status classification, Retry-After parsing, the backoff schedule, the
 * address check, and messages refused before anything is sent (bad fields,
 * plain http, private addresses reached by name or literal). Delivery to a
 * real (fake) push service is tests/t0600-pushsend.sh. */
#include "tap.h"
#include "push/pushsend.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

static void test_classify(void)
{
    static const struct {
        int status;
        enum push_outcome want;
    } cases[] = {
        {201, PUSH_DELIVERED}, {202, PUSH_DELIVERED}, {200, PUSH_DELIVERED}, {404, PUSH_GONE},
        {410, PUSH_GONE},      {413, PUSH_TOO_LARGE}, {429, PUSH_RETRY},     {500, PUSH_RETRY},
        {503, PUSH_RETRY},     {599, PUSH_RETRY},     {408, PUSH_RETRY},     {0, PUSH_RETRY},
        {-1, PUSH_REJECTED},   {400, PUSH_REJECTED},  {401, PUSH_REJECTED},  {403, PUSH_REJECTED},
        {301, PUSH_REJECTED},  {100, PUSH_REJECTED},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        is_str(push_outcome_name(push_classify(cases[i].status)), push_outcome_name(cases[i].want),
               "classify %d", cases[i].status);
}

static bool ra(const char *v, int64_t now, int64_t want)
{
    int64_t d = -5;
    return push_retry_after_parse(v, now, &d) && d == want;
}

static bool ra_bad(const char *v)
{
    int64_t d = -5;
    return !push_retry_after_parse(v, 0, &d) && d == -5;
}

static void test_retry_after(void)
{
    const int64_t t = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    ok(ra("2", 0, 2), "Retry-After: delta seconds");
    ok(ra("0", 0, 0), "Retry-After: 0");
    ok(ra("120", 0, 120), "Retry-After: 120");
    ok(ra("99999999999999999999", 0, 999999999), "Retry-After: huge delta is clamped");
    ok(ra("Sun, 06 Nov 1994 08:49:37 GMT", t - 30, 30), "Retry-After: IMF-fixdate");
    ok(ra("Sunday, 06-Nov-94 08:49:37 GMT", t - 30, 30), "Retry-After: RFC 850 date");
    ok(ra("Sun Nov  6 08:49:37 1994", t - 30, 30), "Retry-After: asctime date");
    ok(ra("Sun, 06 Nov 1994 08:49:37 GMT", t + 100, 0), "Retry-After: past date is 0");
    ok(ra_bad(""), "Retry-After: empty refused");
    ok(ra_bad(NULL), "Retry-After: NULL refused");
    ok(ra_bad("-1"), "Retry-After: negative refused");
    ok(ra_bad("2x"), "Retry-After: trailing junk refused");
    ok(ra_bad("1.5"), "Retry-After: fraction refused");
    ok(ra_bad(" 2"), "Retry-After: leading space refused (the header callback trims)");
    ok(ra_bad("12:00"), "Retry-After: bare time refused");
    ok(ra_bad("soon"), "Retry-After: words refused");
}

static void test_backoff(void)
{
    const struct push_backoff b = {
        .base_ms = 1000, .cap_ms = 5000, .max_attempts = 5, .max_delay_ms = 60000};
    const int64_t now = 1000000;
    is_int(push_next_attempt_ms(&b, 1, -1, now, 0), now + 1000, "backoff: after attempt 1");
    is_int(push_next_attempt_ms(&b, 2, -1, now, 0), now + 2000, "backoff: doubles");
    is_int(push_next_attempt_ms(&b, 3, -1, now, 0), now + 4000, "backoff: doubles again");
    is_int(push_next_attempt_ms(&b, 4, -1, now, 0), now + 5000, "backoff: capped");
    is_int(push_next_attempt_ms(&b, 5, -1, now, 0), -1, "backoff: gives up after max attempts");
    is_int(push_next_attempt_ms(&b, 0, -1, now, 0), -1, "backoff: 0 attempts is an error");
    is_int(push_next_attempt_ms(&b, 1, -1, now, 999), now + 1499, "backoff: jitter up to +50%%");
    is_int(push_next_attempt_ms(&b, 4, -1, now, 500), now + 6250, "backoff: jitter at the cap");
    is_int(push_next_attempt_ms(&b, 1, 30, now, 0), now + 30000,
           "backoff: a longer Retry-After wins");
    is_int(push_next_attempt_ms(&b, 3, 2, now, 0), now + 4000,
           "backoff: a shorter Retry-After does not shorten the backoff");
    is_int(push_next_attempt_ms(&b, 1, 0, now, 0), now + 1000, "backoff: Retry-After 0");
    is_int(push_next_attempt_ms(&b, 1, 60, now, 0), now + 60000, "backoff: Retry-After at max");
    is_int(push_next_attempt_ms(&b, 1, 61, now, 0), -1, "backoff: Retry-After beyond max: give up");
    const struct push_backoff huge = {
        .base_ms = 1, .cap_ms = INT64_MAX, .max_attempts = 1000, .max_delay_ms = 0};
    ok(push_next_attempt_ms(&huge, 999, -1, 0, 999) > 0, "backoff: no overflow with no cap");
    const struct push_backoff def = PUSH_BACKOFF_DEFAULT;
    ok(def.max_attempts > 1 && def.cap_ms >= def.base_ms, "default backoff is sane");
}

static bool v4(const char *ip, bool loopback)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1)
        return false;
    return push_addr_allowed((struct sockaddr *)&a, loopback);
}

static bool v6(const char *ip)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET6, ip, &a.sin6_addr) != 1)
        return false;
    return push_addr_allowed((struct sockaddr *)&a, true);
}

static void test_addresses(void)
{
    ok(v4("8.8.8.8", false), "public IPv4 allowed");
    ok(v4("142.250.185.10", false), "another public IPv4 allowed");
    ok(v4("172.32.0.1", false), "172.32/16 is public");
    ok(v4("100.128.0.1", false), "100.128/16 is public");
    static const char *const blocked4[] = {
        "10.1.2.3",        "172.16.0.1",      "172.31.255.255",  "192.168.1.1",
        "127.0.0.1",       "127.1.2.3",       "169.254.169.254", "100.64.0.1",
        "100.127.255.255", "0.0.0.0",         "224.0.0.1",       "239.1.2.3",
        "240.0.0.1",       "255.255.255.255", "198.18.0.1",      "192.0.0.170",
    };
    int refused = 0;
    for (size_t i = 0; i < ARRAY_LEN(blocked4); i++) {
        if (v4(blocked4[i], false))
            printf("# %s allowed\n", blocked4[i]);
        else
            refused++;
    }
    is_int(refused, ARRAY_LEN(blocked4), "private, loopback, link-local, reserved IPv4 refused");
    ok(v4("127.0.0.1", true), "127.0.0.1 allowed with allow_loopback");
    ok(!v4("127.0.0.2", true), "only 127.0.0.1 with allow_loopback");
    ok(!v4("10.0.0.1", true), "allow_loopback does not open private ranges");

    ok(v6("2001:4860:4860::8888"), "public IPv6 allowed");
    ok(v6("::ffff:8.8.8.8"), "IPv4-mapped public allowed");
    ok(v6("64:ff9b::8.8.8.8"), "NAT64 of a public IPv4 allowed");
    static const char *const blocked6[] = {
        "::1",         "::",      "::ffff:10.0.0.1", "::ffff:127.0.0.1", "64:ff9b::a00:1",
        "fe80::1",     "fd00::1", "fc00::1",         "ff02::1",          "fec0::1",
        "2001:db8::1", "100::1",  "::10.0.0.1",
    };
    refused = 0;
    for (size_t i = 0; i < ARRAY_LEN(blocked6); i++) {
        if (v6(blocked6[i]))
            printf("# %s allowed\n", blocked6[i]);
        else
            refused++;
    }
    is_int(refused, ARRAY_LEN(blocked6),
           "loopback, private, link-local, mapped-private IPv6 refused");
    ok(!push_addr_allowed(NULL, true), "NULL address refused");
}

/* A loopback port with nothing listening (bound, then closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return 1;
    close(fd);
    return ntohs(a.sin_port);
}

static void test_refusals(void)
{
    struct pushsend_opts o;
    pushsend_default_opts(&o);
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 3000;
    char err[128], port_url[64], port_url_s[64];
    int port = closed_port();
    snprintf(port_url, sizeof port_url, "http://127.0.0.1:%d/push/x", port);
    snprintf(port_url_s, sizeof port_url_s, "https://127.0.0.1:%d/push/x", port);
    static const unsigned char body[100] = {1};
    const char *auth = "vapid t=a.b.c, k=xyz";
    struct {
        const char *endpoint, *auth, *urgency, *topic;
        long ttl;
        bool loopback;
        int want_status;
        const char *want_error;
    } cases[] = {
        {"http://push.example/x", auth, NULL, NULL, 60, false, -1, "endpoint must be https"},
        {"ftp://push.example/x", auth, NULL, NULL, 60, false, -1, "endpoint must be https"},
        {"not a url", auth, NULL, NULL, 60, false, -1, "bad endpoint URL"},
        {"https://push.example/x", auth, "urgent", NULL, 60, false, -1, "bad urgency"},
        {"https://push.example/x", auth, NULL, "a b", 60, false, -1, "bad topic"},
        {"https://push.example/x", auth, NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 60, false, -1,
         "bad topic"},
        {"https://push.example/x", auth, NULL, NULL, -1, false, -1, "ttl out of range"},
        {"https://push.example/x", auth, NULL, NULL, 2419201, false, -1, "ttl out of range"},
        {"https://push.example/x", "vapid t=a\r\nX-Evil: 1", NULL, NULL, 60, false, -1,
         "bad authorization header value"},
        {"https://push.example/x", NULL, NULL, NULL, 60, false, -1,
         "missing endpoint, authorization or body"},
        {"https://10.0.0.1/push/x", auth, NULL, NULL, 60, false, -1, "address not allowed"},
        {"https://[fd00::1]/push/x", auth, NULL, NULL, 60, false, -1, "address not allowed"},
        {"https://localhost/push/x", auth, NULL, NULL, 60, false, -1, "address not allowed"},
        {port_url_s, auth, NULL, NULL, 60, false, -1, "address not allowed"},
        {port_url, auth, NULL, NULL, 60, false, -1, "endpoint must be https"},
        {"http://localhost:9/push/x", auth, NULL, NULL, 60, true, -1, "endpoint must be https"},
        {"http://127.0.0.2:9/push/x", auth, NULL, NULL, 60, true, -1, "endpoint must be https"},
        {"http://127.0.0.1:9@10.0.0.1/x", auth, NULL, NULL, 60, true, -1, "endpoint must be https"},
        {port_url, auth, "high", "t1", 60, true, 0, "onnect"},
    };
    for (int pass = 0; pass < 2; pass++) {
        o.allow_loopback = pass == 1;
        struct pushsend *ps = pushsend_new(&o, err, sizeof err);
        ok(ps != NULL, "pushsend ready (allow_loopback %d)", pass);
        if (!ps)
            continue;
        struct push_msg m[ARRAY_LEN(cases)];
        size_t idx[ARRAY_LEN(cases)], n = 0;
        for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
            if (cases[i].loopback != o.allow_loopback)
                continue;
            m[n] = (struct push_msg){.endpoint = cases[i].endpoint,
                                     .authorization = cases[i].auth,
                                     .body = body,
                                     .body_len = sizeof body,
                                     .ttl = cases[i].ttl,
                                     .urgency = cases[i].urgency,
                                     .topic = cases[i].topic};
            idx[n++] = i;
        }
        pushsend_run(ps, m, n);
        for (size_t j = 0; j < n; j++) {
            size_t i = idx[j];
            ok(m[j].status == cases[i].want_status && strstr(m[j].error, cases[i].want_error),
               "%s: %d, %s", cases[i].endpoint, cases[i].want_status, cases[i].want_error);
            if (m[j].status != cases[i].want_status || !strstr(m[j].error, cases[i].want_error))
                printf("#   got %d (%s)\n", m[j].status, m[j].error);
        }
        struct pushsend_stats st;
        pushsend_get_stats(ps, &st);
        if (pass == 0)
            is_int(st.connections, 0, "no connection was made to a refused address");
        else
            is_int(push_classify(m[n - 1].status), PUSH_RETRY, "connection refused is retried");
        pushsend_free(ps);
    }
    struct pushsend_opts bad = o;
    bad.max_in_flight = 0;
    ok(pushsend_new(&bad, err, sizeof err) == NULL, "max_in_flight 0 refused");
}

int main(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 2;
    test_classify();
    test_retry_after();
    test_backoff();
    test_addresses();
    test_refusals();
    curl_global_cleanup();
    return done_testing();
}
