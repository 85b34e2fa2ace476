/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File helpers shared by the unit tests that read files (secret files,
 * ini files): a private temporary directory per test group, files with
 * exact bytes and mode, and an alarm that ends a test stuck in open(). */
#ifndef PT_UNIT_FILES_H
#define PT_UNIT_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* Makes $TMPDIR/<prefix>_XXXXXX (or under /tmp); 0 on success, as a
 * cmocka group setup returns. */
int unit_tmpdir_make(const char *prefix);
/* Removes it with everything in it; 0 on success. */
int unit_tmpdir_remove(void);

/* <tmpdir>/name into out; fails the test when it does not fit. */
void unit_path_in_tmp(char *out, size_t len, const char *name);

/* Writes path with exactly these bytes, then sets mode with fchmod (so
 * that the umask does not decide it). */
void unit_write_bytes(const char *path, const char *data, size_t len, mode_t mode);

/* A SIGALRM handler: reaching it means an open() blocked (on a FIFO);
 * the test binary exits 99. */
void unit_on_alarm(int sig);

#endif
