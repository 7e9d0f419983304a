/* carelog-push — the sender, run from cron every minute:
 *   * * * * *  DATA_DIR=/var/lib/carelog /srv/carelog/build/bin/carelog-push --once
 * One pass fires due reminders and delivers due Web Push messages (see
 * cgi-bin/lib/push/pushpass.c), then, when SMTP_URL and MAIL_FROM are set,
 * queues due digests and delivers queued mail (cgi-bin/lib/mail/mailsend.c),
 * removes the document vault's files whose rows went away (a family
 * deleted: lib/data/docstore.c), and prints one JSON line of counts. Passes may overlap: each
 * message is claimed by one pass only. */
#include "carelog.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "data/docstore.h"
#include "mail/mail.h"
#include "mail/mailsend.h"
#include "push/pushmsg.h"
#include "push/pushpass.h"
#include "security/secret.h"
#include "push/webpush.h"

int main(int argc, char **argv)
{
    log_set_program("carelog-push");
    if (argc != 2 || strcmp(argv[1], "--once") != 0) {
        fprintf(stderr, "usage: carelog-push --once\n");
        return 2;
    }
    char err[256];
    if (!config_load(err, sizeof err) || !secret_init(cfg.data_dir, err, sizeof err)) {
        log_event("error", "bad_config", err);
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_event("error", "curl_init_failed", "");
        return 1;
    }
    int rc = 1;
    struct db d;
    struct vapid_key *key = NULL;
    bool opened = false;
    if (!database_prepare(err, sizeof err) || db_open(&d, cfg.db_path, err, sizeof err) != 0) {
        log_event("error", "db_open_failed", err);
        goto out;
    }
    opened = true;
    key = push_vapid_key(cfg.data_dir, err, sizeof err);
    if (!key) {
        log_event("error", "vapid_key_failed", err);
        goto out;
    }
    struct push_pass_opts o;
    push_pass_opts_from_env(&o);
    struct push_pass_stats st;
    bool pushed = push_pass_run(&d, key, &o, &st, err, sizeof err);
    if (!pushed)
        log_event("error", "push_pass_failed", err);
    /* Mail goes out even when the push pass failed: they share nothing
     * but the database. */
    struct mail_pass_stats ms = {0};
    bool mailed = true;
    if (mail_configured()) {
        struct mail_pass_opts mo;
        mailed = mail_pass_opts_from_env(&mo, err, sizeof err) &&
                 mail_pass_run(&d, &mo, &ms, err, sizeof err);
        if (!mailed)
            log_event("error", "mail_pass_failed", err);
    }
    if (docstore_sweep(&d, 100000) < 0)
        log_event("error", "documents_sweep_failed", "files left for the next pass");
    if (!pushed || !mailed)
        goto out;
    printf("{\"fired\":%d,\"queued\":%d,\"skipped_quiet\":%d,\"sent\":%d,\"delivered\":%d,"
           "\"gone\":%d,\"too_large\":%d,\"retry\":%d,\"failed\":%d,\"alerts_mailed\":%d,"
           "\"inbox\":%d,"
           "\"mail_digests\":%d,"
           "\"mail_sent\":%d,\"mail_retry\":%d,\"mail_failed\":%d}\n",
           st.fired, st.queued, st.skipped_quiet, st.sent, st.delivered, st.gone, st.too_large,
           st.retry, st.failed, st.mailed, st.stored, ms.digests, ms.sent, ms.retry, ms.failed);
    rc = 0;
out:
    vapid_free(key);
    if (opened)
        db_close(&d);
    curl_global_cleanup();
    return rc;
}
