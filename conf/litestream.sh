#!/bin/sh
# litestream.sh — prints the Litestream configuration (YAML) for carelog's
# database from the environment; conf/serve.sh writes it to
# DATA_DIR/litestream.yml and runs `litestream replicate` with it.
#   REPLICA_URL             file:///path or s3://bucket/path (required)
#   REPLICA_SYNC_INTERVAL   how often new WAL pages are shipped (1s)
#   REPLICA_ENDPOINT, REPLICA_REGION   an S3-compatible store that is not AWS
# S3 credentials come from LITESTREAM_ACCESS_KEY_ID and
# LITESTREAM_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY),
# read by Litestream itself, so they are never written to a file.
# Litestream checks the WAL every monitor-interval and ships it every
# sync-interval: a write acknowledged longer ago than the two together is on
# the replica (README "Continuous replication").
. "$(dirname "$0")/paths.sh"
if [ -z "${REPLICA_URL:-}" ]; then
    echo "litestream.sh: REPLICA_URL is not set" >&2
    exit 1
fi
case $REPLICA_URL in
file:///* | s3://*) ;;
*)
    echo "litestream.sh: REPLICA_URL must be file:///absolute/path or s3://bucket/path" >&2
    exit 1
    ;;
esac
interval=${REPLICA_SYNC_INTERVAL:-1s}
# YAML strings in single quotes: a quote inside is doubled.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
echo "# Written by conf/litestream.sh from the environment; do not edit."
echo "dbs:"
echo "  - path: $(q "$data_dir/carelog.db")"
echo "    monitor-interval: $(q "$interval")"
echo "    replicas:"
echo "      - url: $(q "$REPLICA_URL")"
echo "        sync-interval: $(q "$interval")"
[ -n "${REPLICA_ENDPOINT:-}" ] && echo "        endpoint: $(q "$REPLICA_ENDPOINT")"
[ -n "${REPLICA_REGION:-}" ] && echo "        region: $(q "$REPLICA_REGION")"
exit 0
