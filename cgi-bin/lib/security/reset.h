/* reset.h — one-time password reset links: the way back into an account
 * without any third party. The family's owner (for a member of the family),
 * the instance admin (for any account), `carelogctl reset-link` at the
 * console and "forgot password" by email each make one. The link lets its
 * holder set a new password; using it signs them in and ends every other
 * session of the account (cgi-bin/auth.c, POST /api/v1/auth/reset). Only the
 * token's hash is stored, and a new link for an account replaces the old. */
#ifndef CARELOG_RESET_H
#define CARELOG_RESET_H

#include <stdbool.h>
#include <stdint.h>

#include "data/db.h"
#include "security/secret.h"

/* How long a link works. One handed over by an owner, the admin or the
 * console may have to wait for the person to read a message; one sent by
 * email goes straight to the person who asked. */
#define RESET_LINK_HANDED_MS (24 * 3600 * 1000LL)
#define RESET_LINK_EMAIL_MS  (3600 * 1000LL)

/* Who made a link: also what the audit log says. */
#define RESET_VIA_OWNER   "owner"
#define RESET_VIA_ADMIN   "admin"
#define RESET_VIA_CONSOLE "console"
#define RESET_VIA_EMAIL   "email"

/* Makes a fresh link for `user_id`, replacing any older one, inside the
 * caller's write transaction. `family_id` and `created_by` may be NULL.
 * Writes the token and its expiry (epoch ms). */
bool reset_issue(struct db *d, const char *user_id, const char *via, const char *family_id,
                 const char *created_by, int64_t ttl_ms, char token[TOKEN_LEN + 1],
                 int64_t *expires_at);

/* The link's path, to be put after the public origin (or the app's own):
 * "/#/reset/TOKEN". The token is in the fragment, so no server, proxy or
 * log along the way ever receives it; the app posts it. */
bool reset_path(const char *token, char *out, size_t outsz);

/* The origin put before links made outside a request (the console, the
 * mail sender): PUBLIC_URL without a trailing slash, else
 * http://127.0.0.1:$PORT as `make run` serves. */
void public_origin(char *out, size_t outsz);

#endif
