/* SPDX-License-Identifier: GPL-3.0-or-later */
/* From libcurl's timing marks to phase durations that add up exactly.
 * Pure arithmetic, no libcurl: unit-tested row by row. */
#ifndef PT_PHASES_H
#define PT_PHASES_H

#include "probe_types.h"

#include <stdint.h>

/* Marks in whole microseconds since the transfer started; 0 means "not
 * reached". The libcurl marks (dns, tcp, tls, first) accumulate over
 * the hops of a redirect chain, as libcurl's own CURLINFO_*_TIME_T do;
 * base holds their values when the last followed redirect's answer
 * arrived (all 0 without redirects), so that mark - base is the final
 * hop's own. */
struct pt_marks {
	int64_t dns;   /* CURLINFO_NAMELOOKUP_TIME_T */
	int64_t tcp;   /* CURLINFO_CONNECT_TIME_T: TCP to the server or proxy */
	int64_t tls;   /* CURLINFO_APPCONNECT_TIME_T: TLS handshake done */
	int64_t first; /* CURLINFO_STARTTRANSFER_TIME_T: first response byte */
	int64_t base_dns, base_tcp, base_tls, base_first;
	int64_t redirect;  /* CURLINFO_REDIRECT_TIME_T: end of the earlier hops */
	int64_t tls_start; /* TLS handshake began (after TCP and any proxy
	                    * CONNECT), our clock, since the start; 0: never */
	int64_t total;     /* CURLINFO_TOTAL_TIME_T */
	bool tls_expected; /* the final hop's URL is https */
	bool tls_possible; /* the request can end on https: report TLS, 0 when skipped */
	bool request_sent; /* the final hop's request went out: its connection was ready */
	/* A 1xx answer came on the final hop: libcurl's first-byte mark is
	 * its, and the answer begins with the final status line, which came
	 * final_after_informational - 1 us after the first 1xx (0: it never
	 * came). */
	bool informational;
	int64_t final_after_informational;
	bool complete; /* the transfer ended without an error */
};

/* Fills t (seconds) from m. The phases are those of the final hop, ends
 * made monotonic (a mark earlier than the one before it counts as equal
 * to it), so every phase is >= 0 and they add up to total exactly, in
 * microseconds; the earlier hops of a redirect chain (m->redirect) are
 * part of processing, and t->redirect says how much. A failed transfer
 * charges the rest of the time to the phase it failed in: the first one
 * whose end was not reached (TLS only when a handshake began). Once a
 * later phase is reached, the earlier ones are reported too, 0 when
 * they took no time (a reused connection); TLS only when tls_possible. */
void pt_phases_from_marks(const struct pt_marks *m, struct pt_timings *t);

#endif
