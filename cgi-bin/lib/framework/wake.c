/* wake.c — a datagram after each commit, for the live stream (wake.h). */
#include "framework/wake.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "data/db.h"

/* Set once at start, before any thread commits; read-only afterwards. */
static int wake_fd = -1;
static struct sockaddr_un wake_addr;

bool wake_path(const char *data_dir, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "%s/sockets/stream.wake", data_dir);
    return n > 0 && (size_t)n < outsz;
}

/* A full socket buffer (the stream program busy) or no listener (not
 * started, or classic CGI) is fine: a datagram already waiting wakes it just
 * the same, and the fallback poll covers the rest. */
static void wake_streams(void)
{
    static const char one = 1;
    ssize_t rc = sendto(wake_fd, &one, 1, MSG_DONTWAIT | MSG_NOSIGNAL,
                        (const struct sockaddr *)&wake_addr, sizeof wake_addr);
    (void)rc;
}

bool wake_on_commit(const char *data_dir)
{
    memset(&wake_addr, 0, sizeof wake_addr);
    wake_addr.sun_family = AF_UNIX;
    if (!wake_path(data_dir, wake_addr.sun_path, sizeof wake_addr.sun_path))
        return false;
    wake_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (wake_fd < 0)
        return false;
    db_on_commit(wake_streams);
    return true;
}
