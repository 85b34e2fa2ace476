/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One identity's entry in the token cache (cache_entry.h): its file
 * format, read at a given time, and written atomically. */
#include "config.h"

#include "cache_entry.h"
#include "backoff.h"
#include "cache_dir.h"
#include "token.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "check_prioticket-token-cache 2"

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 19;
}

/* A code kept in an entry: OAuth's (invalid_client) or Prioticket's
 * (SERVICE_UNAVAILABLE), nothing that could carry anything else. */
static bool word(const char *s, size_t max)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(s) &&
	       strlen(s) < max;
}

void pt_cache_entry_clear(struct pt_cache_entry *e)
{
	if (e->token) {
		pt_wipe(e->token, e->token_len);
		free(e->token);
	}
	memset(e, 0, sizeof(*e));
}

/* One "key value" line of an entry; false for anything unexpected. */
static bool parse_field(const char *key, const char *value, struct pt_cache_entry *e)
{
	struct pt_backoff *b = &e->backoff;
	time_t t = all_digits(value) ? (time_t)strtoll(value, NULL, 10) : 0;

	if (strcmp(key, "token") == 0 && !e->token && pt_token_chars_ok(value) &&
	    strlen(value) <= PT_TOKEN_MAX_CHARS) {
		e->token_len = strlen(value);
		e->token = malloc(e->token_len + 1);
		if (e->token) {
			memcpy(e->token, value, e->token_len + 1);
		}
		return e->token != NULL;
	}
	if (strcmp(key, "backoff") == 0) {
		b->kind = strcmp(value, "refusal") == 0   ? PT_BACKOFF_REFUSAL
		          : strcmp(value, "failure") == 0 ? PT_BACKOFF_FAILURE
		                                          : PT_BACKOFF_NONE;
		return b->kind != PT_BACKOFF_NONE;
	}
	if (strcmp(key, "outcome") == 0 && word(value, sizeof(b->outcome))) {
		memcpy(b->outcome, value, strlen(value) + 1);
		b->ended = pt_backoff_ended(b->outcome);
		return true;
	}
	if (strcmp(key, "error") == 0 && word(value, sizeof(b->error))) {
		memcpy(b->error, value, strlen(value) + 1);
		return true;
	}
	if (!all_digits(value)) {
		return false;
	}
	if (strcmp(key, "written") == 0) {
		e->written = t;
	} else if (strcmp(key, "expires") == 0) {
		e->expires = t;
	} else if (strcmp(key, "renew") == 0) {
		e->renew = t;
	} else if (strcmp(key, "at") == 0) {
		e->backoff_at = t;
	} else if (strcmp(key, "until") == 0) {
		e->backoff_until = t;
	} else if (strcmp(key, "status") == 0 && strlen(value) <= 3) {
		b->status = (long)t;
	} else if (strcmp(key, "failures") == 0 && t >= 1 && t <= PT_CACHE_FAILURES_MAX) {
		b->failures = (int)t;
	} else if (strcmp(key, "retry_after") == 0 && t <= 1) {
		b->retry_after = t == 1;
	} else {
		return false;
	}
	return true;
}

/* Parses "key value" lines; anything unexpected or inconsistent makes
 * the whole entry a miss. */
static bool parse_entry(char *text, struct pt_cache_entry *e)
{
	const struct pt_backoff *b = &e->backoff;
	char *save = NULL;
	char *line;

	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, MAGIC) != 0) {
		return false;
	}
	for (line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *value = strchr(line, ' ');

		if (!value) {
			return false;
		}
		*value++ = '\0';
		if (!parse_field(line, value, e)) {
			return false;
		}
	}
	if (e->token && !(e->written && e->written <= e->renew && e->renew <= e->expires)) {
		return false;
	}
	if (b->kind == PT_BACKOFF_NONE) {
		return e->token && !e->backoff_at && !e->backoff_until && !b->status && !b->failures;
	}
	if (!e->backoff_at || e->backoff_until < e->backoff_at || b->failures < 1 ||
	    (b->status != 0 && (b->status < 100 || b->status > 599))) {
		return false;
	}
	/* A refusal is a 4xx answer, and leaves no token behind. */
	return b->kind != PT_BACKOFF_REFUSAL || (b->status >= 400 && b->status < 500 && !e->token);
}

/* Short-lived tokens get a quarter of their lifetime as margin. */
static long margin(long lifetime)
{
	long quarter = lifetime / 4;

	return quarter < PT_CACHE_MARGIN_SECONDS ? quarter : PT_CACHE_MARGIN_SECONDS;
}

/* Reads the entry as it is on disk, without judging its times. */
static bool read_entry(struct pt_cache *c, struct pt_cache_entry *e)
{
	struct stat st;
	char *text;
	size_t got;
	bool ok;
	int fd;

	pt_cache_entry_clear(e);
	if (c->dirfd < 0) {
		return false;
	}
	fd = pt_cache_open_own_file(c->dirfd, c->name, PT_CACHE_ENTRY_MAX);
	if (fd < 0) {
		return false;
	}
	/* Sized by the file: entries without a token are a few lines. */
	text = fstat(fd, &st) == 0 ? malloc((size_t)st.st_size + 1) : NULL;
	if (!text) {
		close(fd);
		return false;
	}
	got = pt_cache_read_all(fd, text, (size_t)st.st_size);
	close(fd);
	text[got] = '\0';
	ok = strlen(text) == got && parse_entry(text, e);
	if (!ok) {
		pt_cache_entry_clear(e);
	}
	pt_wipe(text, got);
	free(text);
	return ok;
}

void pt_cache_read(struct pt_cache *c, time_t now, struct pt_cache_entry *e)
{
	struct pt_backoff *b = &e->backoff;

	if (!read_entry(c, e)) {
		return;
	}
	if ((e->token && e->written > now + PT_CACHE_CLOCK_SKEW) ||
	    (b->kind != PT_BACKOFF_NONE && e->backoff_at > now + PT_CACHE_CLOCK_SKEW)) {
		/* Written "in the future": the clock was stepped back since.
		 * Neither its lifetime nor its back-off can be trusted. */
		pt_cache_entry_clear(e);
		return;
	}
	if (b->kind != PT_BACKOFF_NONE) {
		/* A back-off never lasts longer than its own length from now
		 * (nor than the longest a back-off may be). */
		time_t length = e->backoff_until - e->backoff_at;

		if (length > PT_CACHE_RETRY_AFTER_MAX) {
			length = PT_CACHE_RETRY_AFTER_MAX;
		}
		if (e->backoff_until > now + length) {
			e->backoff_until = now + length;
		}
		b->length = (long)length;
		b->ago = e->backoff_at < now ? (long)(now - e->backoff_at) : 0;
		b->left = e->backoff_until > now ? (long)(e->backoff_until - now) : 0;
	}
	if (e->token && e->expires > now) {
		e->kind = PT_CACHE_TOKEN;
		e->due = e->renew <= now;
		e->valid_for = (long)(e->expires - now);
		return;
	}
	if (e->token) {
		/* Expired: nothing of it is of use any more. */
		pt_wipe(e->token, e->token_len);
		free(e->token);
		e->token = NULL;
		e->token_len = 0;
	}
	e->kind = b->left > 0 ? PT_CACHE_BACKOFF : PT_CACHE_MISS;
}

/* Temporary file, fsync, rename: a reader sees the old entry or the new
 * one, never half of one. */
static bool store(struct pt_cache *c, const struct pt_buf *text)
{
	char tmp[100];
	bool ok;
	int err = 0;
	int fd;

	if (c->dirfd < 0 || text->failed) {
		return false;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", c->name, (long)getpid());
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* Left by a run that died with our pid. */
		(void)unlinkat(c->dirfd, tmp, 0);
		fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		snprintf(c->note, sizeof(c->note), "cannot write an entry: %s", strerror(errno));
		return false;
	}
	/* errno is kept from the step that failed, not from a later one. */
	ok = pt_cache_write_all(fd, text->data, text->len) && fsync(fd) == 0;
	if (!ok) {
		err = errno;
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && renameat(c->dirfd, tmp, c->dirfd, c->name) != 0) {
		ok = false;
		err = errno;
	}
	if (!ok) {
		snprintf(c->note, sizeof(c->note), "cannot write an entry: %s", strerror(err));
		(void)unlinkat(c->dirfd, tmp, 0);
		return false;
	}
	(void)fsync(c->dirfd);
	return true;
}

bool pt_cache_store_token(struct pt_cache *c, const char *token, long lifetime, time_t now)
{
	struct pt_buf text = {0};
	long renew;
	bool ok;

	if (lifetime <= 0) {
		lifetime = PT_CACHE_DEFAULT_LIFETIME;
	}
	renew = lifetime - margin(lifetime);
	if (renew > PT_CACHE_RENEW_MAX_SECONDS) {
		renew = PT_CACHE_RENEW_MAX_SECONDS;
	}
	/* One allocation: a growing buffer would leave copies of the token. */
	if (pt_buf_reserve(&text, strlen(token) + 256)) {
		pt_buf_printf(&text, MAGIC "\nwritten %lld\nrenew %lld\nexpires %lld\ntoken %s\n",
		              (long long)now, (long long)(now + renew), (long long)(now + lifetime), token);
	}
	ok = !text.failed && store(c, &text);
	pt_buf_wipe(&text);
	return ok;
}

bool pt_cache_store_backoff(struct pt_cache *c, const struct pt_backoff *b, time_t now,
                            const struct pt_cache_entry *keep)
{
	struct pt_buf text = {0};
	bool with_token = false;
	size_t room = 512;
	bool ok;

	/* keep is read only inside this test: GCC 14 (Debian 13) turned
	 * "with_token ? keep->token_len : 0" into a load of keep->token_len
	 * whatever keep was, and a NULL keep crashed. */
	if (keep && keep->token && b->kind != PT_BACKOFF_REFUSAL) {
		with_token = true;
		room += keep->token_len;
	}
	if (!pt_buf_reserve(&text, room)) {
		return false;
	}
	pt_buf_printf(&text, MAGIC "\nbackoff %s\nat %lld\nuntil %lld\nstatus %ld\nfailures %d\n",
	              b->kind == PT_BACKOFF_REFUSAL ? "refusal" : "failure", (long long)now,
	              (long long)(now + b->length), b->status, b->failures < 1 ? 1 : b->failures);
	/* Only words are kept: they are printed later. */
	if (word(b->outcome, sizeof(b->outcome))) {
		pt_buf_printf(&text, "outcome %s\n", b->outcome);
	}
	if (word(b->error, sizeof(b->error))) {
		pt_buf_printf(&text, "error %s\n", b->error);
	}
	if (b->retry_after) {
		pt_buf_puts(&text, "retry_after 1\n");
	}
	if (with_token) {
		pt_buf_printf(&text, "written %lld\nrenew %lld\nexpires %lld\ntoken %s\n",
		              (long long)keep->written, (long long)keep->renew, (long long)keep->expires,
		              keep->token);
	}
	ok = !text.failed && store(c, &text);
	pt_buf_wipe(&text);
	return ok;
}

void pt_cache_drop(struct pt_cache *c, const char *refused)
{
	struct pt_cache_entry e;

	/* Without the lock, another run may be storing a new token right
	 * now; and an entry that no longer holds the refused token is one
	 * another run has just stored. Both are left alone. */
	if (c->dirfd < 0 || c->lockfd < 0) {
		return;
	}
	memset(&e, 0, sizeof(e));
	if (read_entry(c, &e) && e.token && strcmp(e.token, refused) == 0) {
		(void)unlinkat(c->dirfd, c->name, 0);
	}
	pt_cache_entry_clear(&e);
}
