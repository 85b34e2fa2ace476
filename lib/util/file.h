/* Opening a file that came from the user (secret files, ini files). */
#ifndef PT_FILE_H
#define PT_FILE_H

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

#endif
