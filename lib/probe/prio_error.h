/* Prioticket's error body (and the OAuth2 error body of the token
 * endpoint), parsed leniently: any field may be missing or of the wrong
 * type, and the body may not be JSON at all. */
#ifndef PT_PRIO_ERROR_H
#define PT_PRIO_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#define PT_ERROR_FIELD_MAX   512
#define PT_ERROR_DETAILS_MAX 3

struct pt_prio_error {
	bool found; /* the body was a JSON object with at least one known field */
	/* Raw text as the server sent it, cut at PT_ERROR_FIELD_MAX bytes;
	 * may hold any byte. The plugin layer sanitises before printing. */
	char error[PT_ERROR_FIELD_MAX];
	char description[PT_ERROR_FIELD_MAX]; /* error_description, else error_message */
	char reference[PT_ERROR_FIELD_MAX];
	char details[PT_ERROR_DETAILS_MAX][PT_ERROR_FIELD_MAX]; /* errors[] */
	size_t ndetails;
};

/* Never fails: an unusable body leaves e->found false. */
void pt_prio_error_parse(const char *body, size_t len, struct pt_prio_error *e);

#endif
