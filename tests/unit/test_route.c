/* test_route.c — route patterns, captures, 405 Allow lists. */
#include "framework/route.h"
#include "tap.h"

static void h(struct request *r)
{
    (void)r;
}

static const struct route routes[] = {
    {"GET", "/api/v1/families/{fid}", h, ACCESS_VIEWER, 0},
    {"PATCH", "/api/v1/families/{fid}", h, ACCESS_OWNER, ROUTE_JSON},
    {"GET", "/api/v1/families/{fid}/subjects/{sid}", h, ACCESS_VIEWER, 0},
    {"POST", "/api/v1/families", h, ACCESS_ACCOUNT, ROUTE_JSON},
    {"GET", "/health", h, ACCESS_PUBLIC, 0},
};

int main(void)
{
    struct route_capture c[4];
    int n = -1;
    ok(route_match("/health", "/health", c, 4, &n) && n == 0, "literal path matches");
    ok(!route_match("/health", "/health/", c, 4, &n), "trailing slash does not match");
    ok(!route_match("/health", "/healthz", c, 4, &n), "longer path does not match");
    ok(!route_match("/healthz", "/health", c, 4, &n), "shorter path does not match");
    ok(route_match("/a/{x}/b/{y}", "/a/12/b/x%2Fy", c, 4, &n) && n == 2, "two captures");
    ok(n == 2 && c[0].value_len == 2 && memcmp(c[0].value, "12", 2) == 0, "first capture value");
    ok(c[1].value_len == 5 && memcmp(c[1].value, "x%2Fy", 5) == 0,
       "encoded slash stays inside one segment");
    ok(c[1].name_len == 1 && c[1].name[0] == 'y', "capture name");
    ok(!route_match("/a/{x}", "/a/", c, 4, &n), "empty segment does not match a capture");
    ok(!route_match("/a/{x}", "/a/b/c", c, 4, &n), "capture does not span segments");
    ok(!route_match("/a/{x}/{y}", "/a/b/c", c, 1, &n), "more captures than room fails");

    bool known;
    char allow[64];
    const struct route *r = route_find(routes, 5, "PATCH", "/api/v1/families/abc", c, 4, &n, &known,
                                       allow, sizeof allow);
    ok(r == &routes[1], "route_find picks the method's route");
    r = route_find(routes, 5, "DELETE", "/api/v1/families/abc", c, 4, &n, &known, allow,
                   sizeof allow);
    ok(!r && known, "wrong method: no route, but the path is known");
    is_str(allow, "GET, PATCH", "Allow lists the path's methods");
    r = route_find(routes, 5, "GET", "/api/v1/nope", c, 4, &n, &known, allow, sizeof allow);
    ok(!r && !known, "unknown path: not known (404)");
    r = route_find(routes, 5, "HEAD", "/health", c, 4, &n, &known, allow, sizeof allow);
    ok(r == &routes[4], "HEAD is served by the GET route");
    ok(method_changes_state("POST") && method_changes_state("DELETE") &&
           !method_changes_state("GET") && !method_changes_state("HEAD"),
       "state-changing methods");
    return done_testing();
}
