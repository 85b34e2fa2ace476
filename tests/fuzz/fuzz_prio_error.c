/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzzes the lenient parser of Prioticket / OAuth2 error bodies
 * (pt_prio_error_parse): the input is a non-2xx response body.
 *
 * Invariants:
 * - every text field is NUL-terminated within its size;
 * - ndetails <= PT_ERROR_DETAILS_MAX, and the unused details are empty;
 * - when found is false, nothing was filled in. */
#include "config.h"

#include "probe/prio_error.h"

#include "harness.h"

#define INPUT_MAX (64 * 1024)

static void check_field(const char *f)
{
	FUZZ_CHECK(memchr(f, '\0', PT_ERROR_FIELD_MAX) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_prio_error *e;

	if (size > INPUT_MAX) {
		return 0;
	}
	e = malloc(sizeof(*e));
	FUZZ_CHECK(e != NULL);
	/* Garbage first, so a field the parser forgets to set shows. */
	memset(e, 0xa5, sizeof(*e));
	pt_prio_error_parse((const char *)data, size, e);
	check_field(e->error);
	check_field(e->description);
	check_field(e->reference);
	FUZZ_CHECK(e->ndetails <= PT_ERROR_DETAILS_MAX);
	for (size_t i = 0; i < PT_ERROR_DETAILS_MAX; i++) {
		check_field(e->details[i]);
		if (i >= e->ndetails) {
			FUZZ_CHECK(e->details[i][0] == '\0');
		}
	}
	if (!e->found) {
		FUZZ_CHECK(e->error[0] == '\0' && e->description[0] == '\0' && e->reference[0] == '\0' &&
		           e->ndetails == 0);
	}
	free(e);
	return 0;
}
