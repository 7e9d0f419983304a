/* route.c — matching request paths against route patterns. */
#include "framework/route.h"

#include <string.h>

bool route_match(const char *pattern, const char *path, struct route_capture *caps, int max,
                 int *ncaps)
{
    const char *p = pattern, *s = path;
    int n = 0;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return false;
            size_t vlen = strcspn(s, "/");
            if (vlen == 0 || n >= max)
                return false;
            caps[n].name = p + 1;
            caps[n].name_len = (size_t)(close - p - 1);
            caps[n].value = s;
            caps[n].value_len = vlen;
            n++;
            p = close + 1;
            s += vlen;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    if (*p || *s)
        return false;
    *ncaps = n;
    return true;
}

const struct route *route_find(const struct route *routes, size_t n, const char *method,
                               const char *path, struct route_capture *caps, int max, int *ncaps,
                               bool *path_known, char *allow, size_t allowsz)
{
    *path_known = false;
    if (allowsz)
        allow[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        struct route_capture tmp[8];
        int nt = 0;
        if (!route_match(routes[i].pattern, path, tmp, max < 8 ? max : 8, &nt))
            continue;
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            memcpy(caps, tmp, sizeof tmp[0] * (size_t)nt);
            *ncaps = nt;
            return &routes[i];
        }
        *path_known = true;
        size_t used = strlen(allow);
        if (!strstr(allow, routes[i].method) && used + strlen(routes[i].method) + 3 < allowsz) {
            if (used)
                strcat(allow, ", ");
            strcat(allow, routes[i].method);
        }
    }
    return NULL;
}

bool method_changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}
