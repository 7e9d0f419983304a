/* commit.h — group commit: ROUTE_WRITE handlers that arrive together run in
 * one write transaction and share one commit (one fsync when durable), in
 * arrival order, each in a savepoint of its own and each still answered with
 * its own result. */
#ifndef CARELOG_COMMIT_H
#define CARELOG_COMMIT_H

struct request;

/* Runs r's handler inside the current group's transaction and sends its
 * answer once that transaction is committed: the answer is held until then,
 * so a client never hears "saved" about a write that did not happen. An
 * answer of 400 or more undoes that handler's writes alone (its savepoint);
 * a failed commit answers 503 to every request of the group. The thread
 * that finds no group being committed leads: it runs every waiting handler
 * on the program's writer connection, then commits; the others wait for
 * their result. */
void commit_run(struct request *r);
/* Closes the writer connection (at the program's end, no request running). */
void commit_shutdown(void);

/* Groups committed so far and the requests they held (requests / groups is
 * the mean group size). */
void commit_counts(unsigned long long *groups, unsigned long long *requests);

#endif
