/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The last-resort stop. */
#include "config.h"

#include "hard_stop.h"
#include "plugin/output.h"
#include "plugin/target.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/limits.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* A signal handler can only reach static storage: the message and the
 * state are prepared before the timer is armed. */
static char stop_message[2048];
static size_t stop_length;
static int stop_state;

static void on_alarm(int sig)
{
	ssize_t rc;

	(void)sig;
	rc = write(STDOUT_FILENO, stop_message, stop_length);
	(void)rc;
	_exit(stop_state);
}

/* Prepares the message and the state, then sets the handler and the
 * timer; called with SIGALRM blocked. */
static bool set_up(const struct pt_config *cfg, double started)
{
	struct pt_buf msg = {0};
	struct pt_output_target who = {cfg->endpoint, pt_target_environment_label(cfg)};
	char text[160];
	struct sigaction sa;
	struct itimerval it;
	double left = started + cfg->timeout + PT_HARD_STOP_MARGIN - pt_now();
	struct pt_verdict v = pt_verdict_of(PT_FOUND_TIMEOUT, cfg->timeout_state);

	snprintf(text, sizeof(text),
	         "timeout: the run did not finish within its %g s budget (hard stop)", cfg->timeout);
	pt_output_early(cfg->output_format, &who, v.state, v.reason, text, &msg);
	if (msg.failed || msg.len >= sizeof(stop_message)) {
		pt_buf_free(&msg);
		return false;
	}
	memcpy(stop_message, msg.data, msg.len);
	stop_length = msg.len;
	stop_state = (int)v.state;
	pt_buf_free(&msg);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0) {
		return false;
	}
	if (left < 0.001) {
		left = 0.001;
	}
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)left;
	it.it_value.tv_usec = (suseconds_t)((left - (double)(time_t)left) * 1e6);
	return setitimer(ITIMER_REAL, &it, NULL) == 0;
}

bool pt_hard_stop_arm(const struct pt_config *cfg, double started)
{
	sigset_t alarm;
	bool ok;

	/* Re-arming: the handler must not see a half-written message. */
	sigemptyset(&alarm);
	sigaddset(&alarm, SIGALRM);
	if (sigprocmask(SIG_BLOCK, &alarm, NULL) != 0) {
		return false;
	}
	ok = set_up(cfg, started);
	/* Unblocked whatever happened: a parent may have started us with
	 * SIGALRM blocked (the mask is inherited across exec), and the stop
	 * would then never fire. */
	if (sigprocmask(SIG_UNBLOCK, &alarm, NULL) != 0) {
		return false;
	}
	return ok;
}

void pt_hard_stop_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
