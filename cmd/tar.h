/* tar.h — the few pieces of the POSIX ustar format that carelogctl's backups
 * need: write regular files into an archive, and read one back member by
 * member. A backup is a tar so that any machine can list and unpack it with
 * `tar`, yet carelogctl depends on no archive library and, when restoring,
 * never lets an archive choose where its bytes go: the reader hands each
 * member's name to the caller, which decides what to keep. */
#ifndef CARELOG_TAR_H
#define CARELOG_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#define TAR_BLOCK    512
#define TAR_NAME_MAX 100 /* ustar's name field; longer names are refused */

/* Writes one regular file member (mode 0600) of `size` bytes, read from
 * `in_fd` (exactly that many bytes must be readable), to `out_fd`. When `h`
 * is not NULL the member's bytes are also fed to it. */
bool tar_add_fd(int out_fd, const char *name, int in_fd, uint64_t size, int64_t mtime,
                crypto_hash_sha256_state *h, char *err, size_t errsz);
/* The same for a member held in memory. */
bool tar_add_mem(int out_fd, const char *name, const void *data, size_t size, int64_t mtime,
                 crypto_hash_sha256_state *h, char *err, size_t errsz);
/* The end of the archive: two zero blocks. */
bool tar_finish(int out_fd, char *err, size_t errsz);

struct tar_entry {
    char name[TAR_NAME_MAX + 1];
    uint64_t size;
    char type; /* '0' a regular file (ustar's '\0' is reported as '0'), else as stored */
};

/* Reads the next member's header. 1: `e` is filled and its data (e->size
 * bytes, padded) comes next; 0: the end of the archive; -1: an error (a bad
 * checksum, an unknown format, a truncated file). */
int tar_next(int fd, struct tar_entry *e, char *err, size_t errsz);
/* Reads the data of the member `tar_next` just reported, and its padding:
 * written to `out_fd` unless it is -1, and fed to `h` unless it is NULL. */
bool tar_read_data(int fd, const struct tar_entry *e, int out_fd, crypto_hash_sha256_state *h,
                   char *err, size_t errsz);

/* write(2) and read(2) until done, through EINTR and short counts. read_full
 * returns the bytes read (less than n only at the end of the file), -1 on an
 * error. */
bool write_all(int fd, const void *p, size_t n);
long long read_full(int fd, void *p, size_t n);

#endif
