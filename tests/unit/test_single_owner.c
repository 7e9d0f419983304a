/* test_single_owner.c — security audit (issue 9), finding 2: one owner per
 * FastCGI stream. A handler that detaches its request (the SSE hand-over to
 * the stream hub) must find everything it wrote flushed before the hand-over,
 * and the worker must not write, flush or read the request's environment
 * after it: the new owner may already be writing to it, or have finished and
 * freed it. The request's output stream here is a fake that counts flushes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "framework/http.h"
#include "framework/server.h"
#include "tap.h"

struct sink {
    unsigned char buf[256]; /* libfcgi's write buffer for the stream */
    char seen[4096];        /* what "reached the socket" */
    size_t seen_len;
    int flushes;
};

static struct sink sink;

static void sink_empty(FCGX_Stream *s, int do_close)
{
    (void)do_close;
    size_t n = (size_t)(s->wrNext - sink.buf);
    if (n > sizeof sink.seen - sink.seen_len)
        n = sizeof sink.seen - sink.seen_len;
    memcpy(sink.seen + sink.seen_len, sink.buf, n);
    sink.seen_len += n;
    s->wrNext = sink.buf;
    sink.flushes++;
}

static struct {
    bool free_env; /* play the hub finishing the request at once */
    FCGX_Request *taken;
    size_t written; /* bytes the handler wrote before the hand-over */
    size_t seen_at_detach;
    int flushes_at_detach;
    char method[16]; /* r->method as the worker sees it after the hand-over */
} t;

static char **env_new(void)
{
    static const char *const vars[] = {"REQUEST_METHOD=GET", "REQUEST_URI=/stream"};
    char **envp = calloc(3, sizeof *envp);
    for (int i = 0; envp && i < 2; i++)
        envp[i] = strdup(vars[i]);
    return envp;
}

static void env_free(char **envp)
{
    for (int i = 0; envp && envp[i]; i++)
        free(envp[i]);
    free(envp);
}

static void stream_handler(struct request *r)
{
    static const char hello[] = "retry: 3000\n\n";
    if (!resp_begin(r, 200, "text/event-stream") || !resp_write(r, hello, sizeof hello - 1))
        return;
    t.written = r->bytes_out;
    t.taken = request_detach(r);
    t.seen_at_detach = sink.seen_len;
    t.flushes_at_detach = sink.flushes;
    if (t.taken && t.free_env) {
        /* What FCGX_Finish_r on the hub thread does to the environment. */
        env_free(t.taken->envp);
        t.taken->envp = NULL;
    }
    snprintf(t.method, sizeof t.method, "%s", r->method ? r->method : "(null)");
    /* A handler that carries on by mistake must not reach the stream. */
    resp_write(r, "x", 1);
    resp_flush(r);
}

static const struct route routes[] = {
    {"GET", "/stream", stream_handler, ACCESS_PUBLIC, ROUTE_NO_DB},
};
static const struct program prog = {.name = "test", .routes = routes, .nroutes = 1};

static void run(bool free_env, FCGX_Stream *out, FCGX_Request *fr, struct request *r)
{
    memset(&sink, 0, sizeof sink);
    memset(&t, 0, sizeof t);
    t.free_env = free_env;
    *out = (FCGX_Stream){.wrNext = sink.buf,
                         .stop = sink.buf + sizeof sink.buf,
                         .rdNext = sink.buf + sizeof sink.buf,
                         .emptyBuffProc = sink_empty};
    *fr = (FCGX_Request){.out = out, .envp = env_new(), .ipcFd = -1};
    *r = (struct request){.out = out, .envp = fr->envp, .fcgx = fr};
    handle_request(&prog, r);
}

int main(void)
{
    FCGX_Stream out;
    FCGX_Request fr;
    struct request r;

    run(false, &out, &fr, &r);
    ok(t.taken == &fr, "request_detach hands over the FastCGI request");
    ok(r.detached, "the request is marked detached");
    ok(t.written > 0, "the handler wrote a head and a hello (%zu bytes)", t.written);
    is_int(t.seen_at_detach, t.written, "everything written was flushed before the hand-over");
    is_int(sink.flushes, t.flushes_at_detach, "no flush on the stream after the hand-over");
    is_int(sink.seen_len, t.seen_at_detach, "no byte reached the stream after the hand-over");
    ok(out.wrNext == sink.buf, "nothing left buffered for the new owner to send by surprise");
    ok(!r.out && !r.in && !r.fcgx && !r.envp, "the worker keeps no handle on the request");
    is_str(t.method, "GET", "the method survives for the log line");
    ok(request_detach(&r) == NULL, "a request is handed over only once");
    env_free(fr.envp);
    fflush(stdout); /* the next part aborts under ASan when it fails */

    /* The hub may finish the request (freeing its environment) before the
     * worker logs it: under ASan a read of the old environment aborts. */
    run(true, &out, &fr, &r);
    ok(t.taken == &fr, "handed over, and finished by its new owner at once");
    is_str(t.method, "GET", "the worker still has the method, from its own copy");
    return done_testing();
}
