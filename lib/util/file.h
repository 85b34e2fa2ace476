/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Opening a file that came from the user (secret files, ini files), and
 * who may change it. */
#ifndef PT_FILE_H
#define PT_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

enum pt_open_failure {
	PT_OPEN_FAILED, /* open() failed; errno says why */
	PT_STAT_FAILED, /* fstat() failed; errno says why */
	PT_NOT_REGULAR, /* a directory, FIFO, device, socket ... */
};

/* Opens path read-only, without blocking on a FIFO or taking a terminal,
 * and checks on the opened descriptor that it is a regular file, so that
 * nothing can be swapped in between. Returns the descriptor with *st
 * filled, or -1 with *why set (errno kept for the first two failures). */
int pt_open_regular(const char *path, struct stat *st, enum pt_open_failure *why);

/* sshd's StrictModes, for a file whose content decides what the plugin
 * does, trusts, or where it sends a secret: the file open on fd belongs
 * to root or the effective user, and neither group nor others may write
 * it; when path is given, so is every directory above it (the path
 * resolved, links and all), except that a directory others may write is
 * fine with the sticky bit, as /tmp (no one else can then rename or
 * replace what is ours in it). For a pipe, terminal or socket (no path:
 * stdin) only the owner counts. On false, why names the file or the
 * directory and says what is wrong. */
bool pt_file_protected(int fd, const char *path, char *why, size_t len);

#endif
