/* reset.c — issuing one-time password reset links (reset.h). */
#include "security/reset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

bool reset_issue(struct db *d, const char *user_id, const char *via, const char *family_id,
                 const char *created_by, int64_t ttl_ms, char token[TOKEN_LEN + 1],
                 int64_t *expires_at)
{
    char hash[HASH_HEX_LEN + 1];
    token_new(token);
    token_hash(token, hash);
    int64_t now = now_ms();
    *expires_at = now + ttl_ms;
    /* One live link per account: the newest replaces the rest, so a link
     * handed out earlier (or mailed to an old address) stops working. */
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO reset_tokens (token_hash, user_id, via, "
                                  "family_id, created_by, created_at, expires_at) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (user_id) DO "
                                  "UPDATE SET token_hash = ?1, via = ?3, family_id = ?4, "
                                  "created_by = ?5, created_at = ?6, expires_at = ?7");
    return st && db_bind_text(st, 1, hash) && db_bind_text(st, 2, user_id) &&
           db_bind_text(st, 3, via) && db_bind_text(st, 4, family_id) &&
           db_bind_text(st, 5, created_by) && db_bind_int64(st, 6, now) &&
           db_bind_int64(st, 7, *expires_at) && db_step_done(d, st);
}

bool reset_path(const char *token, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "/#/reset/%s", token);
    return n > 0 && (size_t)n < outsz;
}

void public_origin(char *out, size_t outsz)
{
    const char *pub = getenv("PUBLIC_URL");
    const char *port = getenv("PORT");
    if (pub && *pub) {
        snprintf(out, outsz, "%s", pub);
        size_t n = strlen(out);
        if (n && out[n - 1] == '/')
            out[n - 1] = '\0';
    } else {
        snprintf(out, outsz, "http://127.0.0.1:%s", port && *port ? port : "8080");
    }
}
