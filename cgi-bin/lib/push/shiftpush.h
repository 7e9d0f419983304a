/* shiftpush.h — the push pass's shift notifications: to the planned
 * caregiver an hour before each occurrence of their shift, and to the
 * family's owners when an occurrence started 15 minutes ago and nobody has
 * checked in. Each fires once per occurrence (the shift remembers the
 * latest occurrence start it went through, and the outbox dedupes). */
#ifndef CARELOG_SHIFTPUSH_H
#define CARELOG_SHIFTPUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "data/db.h"

#define SHIFT_SOON_MS      (60 * 60 * 1000LL) /* "your shift starts in an hour" */
#define SHIFT_UNSTAFFED_MS (15 * 60 * 1000LL) /* "nobody checked in", after the start */

/* What a firing pass did (the push pass adds it to its own figures). */
struct shift_push_counts {
    int fired, queued, skipped_quiet;
};

/* Queues the shift notifications due at `now` (in a transaction of its own). */
bool push_fire_shifts(struct db *d, int64_t now, struct shift_push_counts *st);

#endif
