/* pushdrive.c — drives webpush + pushsend the way the cron sender will:
 * encrypts N messages for a list of subscriptions, signs VAPID headers
 * through the per-origin cache, sends them in parallel and retries by the
 * backoff policy, honouring Retry-After. Used by tests/t0600-pushsend.sh
 * (one result line per message) and by tools/pushbench.sh (--bench: figures).
 *
 *   pushdrive --subs FILE --count N [--loopback] [--cafile F] [--ttl S]
 *             [--urgency U] [--topic T] [--max-attempts K] [--base-ms MS]
 *             [--cap-ms MS] [--in-flight N] [--host-conns N]
 *             [--bad-sig ID] [--bad-auth ID] [--sign-each] [--bench]
 *
 * FILE has one subscription per line: "id endpoint p256dh auth". Message n
 * goes to subscription n % count-of-subscriptions, with the plaintext
 * {"sub":"<id>","n":<n>}. --bad-sig and --bad-auth spoil the signature or
 * the auth secret for one subscription, so the tests can show the fake
 * service really checks. Output lines:
 *   msg <n> <sub> <status> <outcome|failed> <attempts>
 *   summary messages=.. delivered=.. gone=.. too_large=.. rejected=..
 *           failed=.. requests=.. connections=.. jwts=.. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "push/pushsend.h"
#include "util/util.h"
#include "push/webpush.h"

#define MAX_SUBS 64

struct sub {
    char id[65], endpoint[512];
    unsigned char p256dh[WP_POINT_LEN], auth[WP_AUTH_LEN];
};

struct item {
    int sub;
    int attempts;
    int64_t next_ms;
    bool done;
    const char *final; /* outcome name, or "failed" when retries ran out */
    int status;
    char auth[VAPID_HEADER_MAX];
    unsigned char *body;
    size_t body_len;
};

struct args {
    const char *subs, *cafile, *urgency, *topic, *bad_sig, *bad_auth;
    long count, ttl, in_flight, host_conns;
    struct push_backoff backoff;
    bool loopback, bench, sign_each;
};

static void usage(void)
{
    fprintf(stderr, "usage: pushdrive --subs FILE --count N [options] (see the source)\n");
    exit(2);
}

static long arg_long(const char *s, long min, long max)
{
    int64_t v = 0;
    if (!parse_int64(s, &v) || v < min || v > max)
        usage();
    return (long)v;
}

static void parse_args(int argc, char **argv, struct args *a)
{
    *a = (struct args){
        .count = 0, .ttl = 3600, .in_flight = 32, .host_conns = 6, .backoff = PUSH_BACKOFF_DEFAULT};
    for (int i = 1; i < argc; i++) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool flag = true;
        if (!strcmp(k, "--loopback"))
            a->loopback = true;
        else if (!strcmp(k, "--bench"))
            a->bench = true;
        else if (!strcmp(k, "--sign-each"))
            a->sign_each = true;
        else
            flag = false;
        if (flag)
            continue;
        if (!v)
            usage();
        i++;
        if (!strcmp(k, "--subs"))
            a->subs = v;
        else if (!strcmp(k, "--count"))
            a->count = arg_long(v, 1, 1000000);
        else if (!strcmp(k, "--cafile"))
            a->cafile = v;
        else if (!strcmp(k, "--ttl"))
            a->ttl = arg_long(v, 0, 2419200);
        else if (!strcmp(k, "--urgency"))
            a->urgency = v;
        else if (!strcmp(k, "--topic"))
            a->topic = v;
        else if (!strcmp(k, "--max-attempts"))
            a->backoff.max_attempts = (int)arg_long(v, 1, 100);
        else if (!strcmp(k, "--base-ms"))
            a->backoff.base_ms = arg_long(v, 0, 3600000);
        else if (!strcmp(k, "--cap-ms"))
            a->backoff.cap_ms = arg_long(v, 0, 3600000);
        else if (!strcmp(k, "--in-flight"))
            a->in_flight = arg_long(v, 1, 1024);
        else if (!strcmp(k, "--host-conns"))
            a->host_conns = arg_long(v, 1, 1024);
        else if (!strcmp(k, "--bad-sig"))
            a->bad_sig = v;
        else if (!strcmp(k, "--bad-auth"))
            a->bad_auth = v;
        else
            usage();
    }
    if (!a->subs || !a->count)
        usage();
}

static int load_subs(const char *path, struct sub *subs)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char line[1024], p[128], au[64];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        struct sub *s = &subs[n];
        if (sscanf(line, "%64s %511s %127s %63s", s->id, s->endpoint, p, au) != 4)
            continue;
        if (n == MAX_SUBS || !webpush_p256dh_decode(p, s->p256dh) ||
            !webpush_auth_decode(au, s->auth)) {
            fprintf(stderr, "pushdrive: bad subscription line for %s\n", s->id);
            exit(2);
        }
        n++;
    }
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "pushdrive: no subscriptions in %s\n", path);
        exit(2);
    }
    return n;
}

static int64_t cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Spoils one base64url character in the middle of the JWT signature. */
static void spoil_signature(char *header)
{
    char *k = strstr(header, ", k=");
    if (k && k - header > 40)
        k[-40] = k[-40] == 'A' ? 'B' : 'A';
}

static bool prepare(const struct args *a, const struct sub *subs, int nsubs,
                    struct vapid_cache *cache, const struct vapid_key *key, struct item *it, long n)
{
    const struct sub *s = &subs[n % nsubs];
    char plain[160];
    int len = snprintf(plain, sizeof plain, "{\"sub\":\"%s\",\"n\":%ld}", s->id, n);
    unsigned char auth[WP_AUTH_LEN], body[WP_MAX_BODY];
    memcpy(auth, s->auth, sizeof auth);
    if (a->bad_auth && !strcmp(a->bad_auth, s->id))
        auth[0] ^= 1;
    size_t blen = 0;
    enum wp_status st =
        webpush_encrypt(s->p256dh, auth, plain, (size_t)len, NULL, body, sizeof body, &blen);
    if (st != WP_OK) {
        fprintf(stderr, "pushdrive: encrypt: %s\n", wp_status_text(st));
        return false;
    }
    it->sub = (int)(n % nsubs);
    it->body = malloc(blen);
    if (!it->body)
        return false;
    memcpy(it->body, body, blen);
    it->body_len = blen;
    int64_t now = now_ms() / 1000;
    bool okay;
    if (a->sign_each) {
        char origin[WP_ORIGIN_MAX];
        okay = push_origin(s->endpoint, origin, sizeof origin) &&
               vapid_authorization(key, origin, cache->sub, now + VAPID_LIFETIME_S, it->auth,
                                   sizeof it->auth);
    } else {
        okay = vapid_cache_header(cache, s->endpoint, now, it->auth);
    }
    if (!okay) {
        fprintf(stderr, "pushdrive: cannot sign for %s\n", s->id);
        return false;
    }
    if (a->bad_sig && !strcmp(a->bad_sig, s->id))
        spoil_signature(it->auth);
    return true;
}

/* Sends every due item once; schedules retries. Returns the count sent. */
static size_t send_due(struct pushsend *ps, const struct args *a, const struct sub *subs,
                       struct item *items, long n, struct push_msg *batch, long *idx)
{
    int64_t now = now_ms();
    size_t nb = 0;
    for (long i = 0; i < n; i++) {
        struct item *it = &items[i];
        if (it->done || it->next_ms > now)
            continue;
        batch[nb] = (struct push_msg){.endpoint = subs[it->sub].endpoint,
                                      .authorization = it->auth,
                                      .body = it->body,
                                      .body_len = it->body_len,
                                      .ttl = a->ttl,
                                      .urgency = a->urgency,
                                      .topic = a->topic};
        idx[nb++] = i;
    }
    if (nb == 0)
        return 0;
    pushsend_run(ps, batch, nb);
    now = now_ms();
    for (size_t j = 0; j < nb; j++) {
        struct item *it = &items[idx[j]];
        const struct push_msg *m = &batch[j];
        it->attempts++;
        it->status = m->status;
        enum push_outcome o = push_classify(m->status);
        if (m->status <= 0 && !a->bench)
            fprintf(stderr, "pushdrive: message %ld: %s\n", idx[j], m->error);
        if (o != PUSH_RETRY) {
            it->done = true;
            it->final = push_outcome_name(o);
            continue;
        }
        it->next_ms = push_next_attempt_ms(&a->backoff, it->attempts, m->retry_after, now,
                                           randombytes_uniform(1000));
        if (it->next_ms < 0) {
            it->done = true;
            it->final = "failed";
        }
    }
    return nb;
}

/* Rounds until every item is final: bounded by max_attempts per item. */
static void deliver(struct pushsend *ps, const struct args *a, const struct sub *subs,
                    struct item *items, long n, struct push_msg *batch, long *idx)
{
    for (;;) {
        send_due(ps, a, subs, items, n, batch, idx);
        int64_t soonest = -1;
        for (long i = 0; i < n; i++)
            if (!items[i].done && (soonest < 0 || items[i].next_ms < soonest))
                soonest = items[i].next_ms;
        if (soonest < 0)
            return;
        int64_t wait = soonest - now_ms();
        if (wait > 0)
            usleep((useconds_t)(wait > 1000 ? 1000000 : wait * 1000));
    }
}

static void bench_jwt(const struct vapid_key *key)
{
    char h[VAPID_HEADER_MAX];
    int64_t t0 = cpu_us();
    int ok = 0;
    for (int i = 0; i < 500; i++)
        ok += vapid_authorization(key, "https://fcm.googleapis.com", "mailto:bench@example.org",
                                  2000000000 + i, h, sizeof h);
    printf("jwt_sign_us=%.1f (%d signed)\n", (double)(cpu_us() - t0) / 500, ok);
}

int main(int argc, char **argv)
{
    struct args a;
    parse_args(argc, argv, &a);
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 2;
    static struct sub subs[MAX_SUBS];
    int nsubs = load_subs(a.subs, subs);

    struct vapid_key *key = vapid_generate();
    struct vapid_cache cache;
    struct pushsend_opts o;
    pushsend_default_opts(&o);
    o.allow_loopback = a.loopback;
    o.ca_file = a.cafile;
    o.max_in_flight = (int)a.in_flight;
    o.max_host_connections = (int)a.host_conns;
    char err[128];
    struct pushsend *ps = NULL;
    struct item *items = calloc((size_t)a.count, sizeof *items);
    struct push_msg *batch = calloc((size_t)a.count, sizeof *batch);
    long *idx = calloc((size_t)a.count, sizeof *idx);
    if (!key || !vapid_cache_init(&cache, key, "mailto:push-test@carelog.invalid") || !items ||
        !batch || !idx || !(ps = pushsend_new(&o, err, sizeof err))) {
        fprintf(stderr, "pushdrive: setup failed %s\n", ps ? "" : err);
        return 2;
    }

    int64_t wall0 = mono_us(), cpu0 = cpu_us();
    for (long i = 0; i < a.count; i++)
        if (!prepare(&a, subs, nsubs, &cache, key, &items[i], i))
            return 2;
    int64_t wall1 = mono_us(), cpu1 = cpu_us();
    deliver(ps, &a, subs, items, a.count, batch, idx);
    int64_t wall2 = mono_us(), cpu2 = cpu_us();

    long delivered = 0, gone = 0, too_large = 0, rejected = 0, failed = 0;
    for (long i = 0; i < a.count; i++) {
        const struct item *it = &items[i];
        if (!a.bench)
            printf("msg %ld %s %d %s %d\n", i, subs[it->sub].id, it->status, it->final,
                   it->attempts);
        delivered += !strcmp(it->final, "delivered");
        gone += !strcmp(it->final, "gone");
        too_large += !strcmp(it->final, "too_large");
        rejected += !strcmp(it->final, "rejected");
        failed += !strcmp(it->final, "failed");
    }
    struct pushsend_stats st;
    pushsend_get_stats(ps, &st);
    printf("summary messages=%ld delivered=%ld gone=%ld too_large=%ld rejected=%ld failed=%ld "
           "requests=%ld connections=%ld jwts=%ld\n",
           a.count, delivered, gone, too_large, rejected, failed, st.requests, st.connections,
           a.sign_each ? a.count : cache.signed_count);
    if (a.bench) {
        double secs = (double)(wall2 - wall0) / 1e6;
        printf("wall_s=%.3f msgs_per_s=%.0f\n", secs, (double)a.count / secs);
        printf("prepare_wall_s=%.3f send_wall_s=%.3f\n", (double)(wall1 - wall0) / 1e6,
               (double)(wall2 - wall1) / 1e6);
        printf("cpu_us_per_msg=%.1f (encrypt+sign %.1f, send %.1f)\n",
               (double)(cpu2 - cpu0) / (double)a.count, (double)(cpu1 - cpu0) / (double)a.count,
               (double)(cpu2 - cpu1) / (double)a.count);
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            printf("max_rss_kb=%ld\n", ru.ru_maxrss);
        bench_jwt(key);
    }

    for (long i = 0; i < a.count; i++)
        free(items[i].body);
    free(items);
    free(batch);
    free(idx);
    pushsend_free(ps);
    vapid_cache_free(&cache);
    vapid_free(key);
    curl_global_cleanup();
    return 0;
}
