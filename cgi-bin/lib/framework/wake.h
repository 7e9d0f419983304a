/* wake.h — how writers wake the live stream: after every commit, one
 * datagram to a Unix socket the stream program listens on
 * (DATA_DIR/sockets/stream.wake). It carries no data: the stream program
 * then reads what changed from the database (and confirms it with PRAGMA
 * data_version), so a lost or coalesced datagram loses nothing; its
 * fallback poll covers writers that never send one. */
#ifndef CARELOG_WAKE_H
#define CARELOG_WAKE_H

#include <stdbool.h>
#include <stddef.h>

/* The socket's path for a data directory. False when it does not fit. */
bool wake_path(const char *data_dir, char *out, size_t outsz);

/* Makes db_commit wake the stream program (every program calls this once at
 * start; afterwards a commit costs one non-blocking sendto). */
bool wake_on_commit(const char *data_dir);

#endif
