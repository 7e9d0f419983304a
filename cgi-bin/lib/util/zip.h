/* zip.h — reads the files of a zip archive held in memory (PKWARE APPNOTE
 * 6.3: the central directory found from its end record, each member stored
 * or deflated), for an import that takes "a zip of the exported files".
 * Only what such an archive holds is accepted: no encryption, no zip64, no
 * spanning. A member's stated size is checked against what it inflates to,
 * and the whole archive may not inflate to more than a budget (a zip bomb
 * is refused before it costs the memory). */
#ifndef CARELOG_ZIP_H
#define CARELOG_ZIP_H

#include <stdbool.h>
#include <stddef.h>

#define ZIP_MAX_MEMBERS 1000

/* Is this the start of a zip archive ("PK\3\4", or "PK\5\6" when empty)? */
bool zip_is_archive(const unsigned char *buf, size_t len);

/* Called once per file member in the order of the central directory, with
 * its name without folders (directories, dot files and macOS's __MACOSX
 * resource forks are skipped) and its bytes, malloc'd, NUL-terminated after
 * len, and owned by the callee from then on. Returning false stops. */
typedef bool (*zip_visit)(void *arg, const char *name, char *data, size_t len);

/* Reads every member of buf[0..len), in at most `budget` bytes inflated in
 * all. false with a reason in err when the archive is not one this reads,
 * is damaged, or is over budget; members already visited stay visited. */
bool zip_each(const unsigned char *buf, size_t len, size_t budget, zip_visit fn, void *arg,
              char *err, size_t errsz);

#endif
