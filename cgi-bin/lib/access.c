/* access.c — route access levels. Until accounts exist every non-public
 * route answers 401. */
#include "access.h"

#include "http.h"
#include "route.h"

bool access_init(char *err, size_t errsz)
{
    (void)err;
    (void)errsz;
    return true;
}

bool access_check(struct request *r)
{
    if (r->route->access == ACCESS_PUBLIC)
        return true;
    resp_error(r, 401, "unauthenticated", "Sign in first");
    return false;
}

void access_release(struct request *r)
{
    (void)r;
}
