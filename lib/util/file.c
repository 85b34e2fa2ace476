/* Opening a file that came from the user. */
#include "config.h"

#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int pt_open_regular(const char *path, struct stat *st, enum pt_open_failure *why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int e;

	if (fd < 0) {
		*why = PT_OPEN_FAILED;
		return -1;
	}
	if (fstat(fd, st) != 0) {
		e = errno;
		close(fd);
		errno = e;
		*why = PT_STAT_FAILED;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		*why = PT_NOT_REGULAR;
		return -1;
	}
	return fd;
}
