/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Phase arithmetic: libcurl's marks to deltas that add up. */
#include "config.h"

#include "phases.h"

#include <string.h>

/* The final hop's own mark: what it added to libcurl's running sum. */
static int64_t hop_mark(int64_t mark, int64_t base)
{
	return mark > base ? mark - base : 0;
}

void pt_phases_from_marks(const struct pt_marks *m, struct pt_timings *t)
{
	int64_t total = m->total > 0 ? m->total : 0;
	int64_t redirect = m->redirect > 0 ? (m->redirect < total ? m->redirect : total) : 0;
	int64_t hop_total = total - redirect;
	int64_t tls_start = m->tls_start > redirect ? m->tls_start - redirect : 0;
	int64_t end[PT_PHASE_COUNT];
	int64_t us[PT_PHASE_COUNT] = {0};
	bool has[PT_PHASE_COUNT];
	int64_t prev = 0;
	int failed = PT_PHASE_COUNT;

	end[PT_PHASE_RESOLVE] = hop_mark(m->dns, m->base_dns);
	end[PT_PHASE_CONNECT] = hop_mark(m->tcp, m->base_tcp);
	end[PT_PHASE_TLS] = hop_mark(m->tls, m->base_tls);
	end[PT_PHASE_PROCESSING] = hop_mark(m->first, m->base_first);
	/* After a 1xx, waiting for the server lasts until the final status
	 * line; without one, processing never ended. */
	if (m->informational) {
		end[PT_PHASE_PROCESSING] = end[PT_PHASE_PROCESSING] > 0 && m->final_after_informational > 0
		                               ? end[PT_PHASE_PROCESSING] + m->final_after_informational - 1
		                               : 0;
	}
	end[PT_PHASE_TRANSFER] = hop_total;
	/* Connecting ends where the TLS handshake begins: after TCP, and
	 * after the CONNECT round trip through a proxy (which libcurl counts
	 * into its TLS mark). libcurl 7.88 also leaves its TCP mark at 0
	 * when the handshake then fails. Without that mark on an https hop
	 * (a TLS backend without the callback that sets it), libcurl's TCP
	 * mark is used once the handshake is done; before that, connecting
	 * has not ended (a tunnel may still be under way). */
	if (tls_start > 0) {
		end[PT_PHASE_CONNECT] = tls_start;
	} else if (m->tls_expected && end[PT_PHASE_TLS] == 0) {
		end[PT_PHASE_CONNECT] = 0;
	}
	for (int i = 0; i < PT_PHASE_COUNT; i++) {
		has[i] = end[i] > 0;
	}
	/* Its request went out: the hop's connection was ready, a reused one
	 * too, for which libcurl sets no connect or TLS mark. */
	if (m->request_sent) {
		has[PT_PHASE_CONNECT] = true;
		has[PT_PHASE_TLS] = has[PT_PHASE_TLS] || m->tls_possible;
	}
	/* A later mark implies the earlier ones (a reused connection or an
	 * address needs no lookup: that phase took 0). TLS too when the
	 * request can end on https, so that a reused connection does not
	 * drop time_tls; plain http alone skips it. */
	for (int i = PT_PHASE_PROCESSING; i > PT_PHASE_RESOLVE; i--) {
		if (has[i]) {
			for (int j = i - 1; j >= PT_PHASE_RESOLVE; j--) {
				has[j] = has[j] || j != PT_PHASE_TLS || m->tls_possible;
			}
		}
	}
	if (!m->complete) {
		/* The phase the transfer failed in: the first not finished;
		 * TLS counts only when a handshake began. */
		for (int i = 0; i < PT_PHASE_TRANSFER && failed == PT_PHASE_COUNT; i++) {
			if (i == PT_PHASE_TLS && tls_start == 0 && !has[i]) {
				continue;
			}
			if (!has[i]) {
				failed = i;
			}
		}
		if (failed == PT_PHASE_COUNT) {
			failed = PT_PHASE_TRANSFER;
		}
	}
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < PT_PHASE_COUNT; i++) {
		int64_t e;

		if (!m->complete && i > failed) {
			break;
		}
		if (!m->complete && i == failed) {
			e = hop_total;
		} else if (i == PT_PHASE_TRANSFER) {
			e = hop_total;
		} else if (!has[i]) {
			continue;
		} else {
			e = end[i];
		}
		/* Monotonic ends within the hop: the deltas telescope to
		 * hop_total, none negative. */
		if (e < prev) {
			e = prev;
		}
		if (e > hop_total) {
			e = hop_total;
		}
		us[i] = e - prev;
		prev = e;
		t->reached[i] = true;
	}
	/* The earlier hops of a redirect chain: the server's answers that
	 * sent us on, counted as processing. */
	if (redirect > 0) {
		us[PT_PHASE_PROCESSING] += redirect;
		t->reached[PT_PHASE_PROCESSING] = true;
	}
	for (int i = 0; i < PT_PHASE_COUNT; i++) {
		t->phase[i] = (double)us[i] / 1e6;
	}
	t->total = (double)total / 1e6;
	t->redirect = (double)redirect / 1e6;
}
