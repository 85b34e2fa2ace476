/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every size, count and default that bounds what the plugins accept or
 * send, in one place (as curl's dynbuf.h lists its DYN_* caps). Buffers,
 * checks, messages and --help are built from these, never from a number
 * written a second time. */
#ifndef PT_UTIL_LIMITS_H
#define PT_UTIL_LIMITS_H

/* Turns a numeric limit into a string literal; each limit a text names
 * has its _TEXT form below (an identifier, so that clang-format keeps the
 * string literals around it as they are). */
#define PT_STR_(x) #x
#define PT_STR(x)  PT_STR_(x)

/* Responses from /system/ping and /system/status are tiny; anything this
 * big is not the API talking. */
#define PT_MAX_BODY (1024 * 1024)

/* Redirects followed with --follow-redirects. */
#define PT_MAX_REDIRECTS      5
#define PT_MAX_REDIRECTS_TEXT PT_STR(PT_MAX_REDIRECTS)

/* The run's budget without -t, whole seconds. */
#define PT_DEFAULT_TIMEOUT_SECONDS      10
#define PT_DEFAULT_TIMEOUT_SECONDS_TEXT PT_STR(PT_DEFAULT_TIMEOUT_SECONDS)

/* The longest access token accepted, in characters (one more is
 * refused, naming both lengths). Real tokens are JWTs that grow with
 * their claims: Entra ID puts up to 200 group ids into one (about 10 KB),
 * Keycloak every role of every realm a client may use (tokens of 10 to
 * 30 KiB, and over 70,000 characters with 100 realms, are reported).
 * 256 KiB is above every token reported and above the default request
 * header limit of the servers that would receive it (nginx 8 KiB a line,
 * Apache 8190 bytes, Node.js 16 KiB, Quarkus 20 KiB, Envoy 60 KiB; Go
 * 1 MiB), and a quarter of the token response's own bound (PT_MAX_BODY).
 * Tokens live on the heap, so the limit costs nothing below it. */
#define PT_TOKEN_MAX_CHARS      (256 * 1024)
#define PT_TOKEN_MAX_CHARS_TEXT PT_STR(PT_TOKEN_MAX_CHARS)

/* The header line that carries it. */
#define PT_AUTH_HEADER_PREFIX "Authorization: Bearer "

/* The longest token lifetime counted, in seconds (ten years): a longer
 * expires_in is valid and counts as this, so that no time arithmetic can
 * overflow. The cache renews tokens long before
 * (PT_CACHE_RENEW_MAX_SECONDS). */
#define PT_TOKEN_LIFETIME_MAX (10L * 365 * 24 * 3600)

/* A client secret or API key from a file, stdin or the environment,
 * in bytes (without the line break a file may end with). */
#define PT_SECRET_MAX      4096
#define PT_SECRET_MAX_TEXT PT_STR(PT_SECRET_MAX)

/* Origins a secret file may name besides its secret (lines
 * "origin: https://HOST[:PORT]"), and the longest such origin, NUL
 * included. */
#define PT_SECRET_ORIGINS_MAX      8
#define PT_SECRET_ORIGINS_MAX_TEXT PT_STR(PT_SECRET_ORIGINS_MAX)
#define PT_ORIGIN_MAX              288

/* The longest --extra-opts line accepted, without its line break. */
#define PT_INI_LINE_MAX      4096
#define PT_INI_LINE_MAX_TEXT PT_STR(PT_INI_LINE_MAX)
/* An ini file shared by a few plugins is a few KiB; the bound also
 * stops "@-" from reading an endless stdin. */
#define PT_INI_FILE_MAX_MIB      1
#define PT_INI_FILE_MAX_MIB_TEXT PT_STR(PT_INI_FILE_MAX_MIB)
#define PT_INI_FILE_MAX          (PT_INI_FILE_MAX_MIB * 1024 * 1024)
/* The longest section name, in characters. */
#define PT_INI_SECTION_CHARS      255
#define PT_INI_SECTION_CHARS_TEXT PT_STR(PT_INI_SECTION_CHARS)

/* --expect-json: how many, and the longest argument (PATH=VALUE,...)
 * in bytes. */
#define PT_EXPECT_MAX     16
#define PT_EXPECT_ARG_MAX 1024

/* --expect-json paths: the longest segment (between dots), in bytes. */
#define PT_JSON_SEGMENT_MAX 256
/* JSON nesting a response body may have: deep enough for any real
 * answer, shallow enough that hostile nesting costs nothing. */
#define PT_JSON_DEPTH_MAX 32

/* What an error body's fields (error, description, reference, each of
 * errors[]) are cut to, NUL included, and how many errors[] are kept:
 * enough for the codes and texts Prioticket and OAuth2 servers send. */
#define PT_ERROR_FIELD_MAX   512
#define PT_ERROR_DETAILS_MAX 3

/* How much of a file or section name an error message repeats. */
#define PT_NAME_SHOWN 200

/* The token cache (lib/probe/token_cache.h): how long a token is
 * trusted, how often the token endpoint is asked, and how long a failure
 * is remembered. All in seconds. */

/* A token is renewed once fewer than this many seconds remain (or a
 * quarter of its lifetime, if that is less), so that it never expires
 * on its way to the API. */
#define PT_CACHE_MARGIN_SECONDS 60
/* Lifetime assumed when the token endpoint gives no expires_in. */
#define PT_CACHE_DEFAULT_LIFETIME 300
/* The longest the token endpoint goes unasked while the checks run.
 * A token is renewed after this long at the latest, however long it
 * lives: so at least once an hour the check proves that the token
 * endpoint still issues tokens for these credentials (a 400-day token
 * would otherwise hide a revoked secret for 400 days). One request an
 * hour per identity costs nothing; Prioticket documents 3600 s tokens,
 * which this leaves as they are. If that renewal fails, the token is
 * still used until its real expiry (probe.h). And a Retry-After on a
 * 429 or 503 (RFC 9110 section 10.2.3) is the back-off for this long at
 * most, so that a wrong or hostile value cannot silence the check for
 * longer; PT_CACHE_RETRY_AFTER_MIN at least. */
#define PT_CACHE_QUIET_MAX_SECONDS 3600
#define PT_CACHE_RENEW_MAX_SECONDS PT_CACHE_QUIET_MAX_SECONDS
#define PT_CACHE_RETRY_AFTER_MAX   PT_CACHE_QUIET_MAX_SECONDS
#define PT_CACHE_RETRY_AFTER_MIN   1
/* How long a refused token request (a 4xx) is remembered. The API blocks
 * an address for a minute once it answered 60 4xx within a minute, and
 * one remembered refusal costs one 4xx per back-off period. Sized so that
 * PT_CACHE_REFUSAL_SHARERS identities (several credentials per host,
 * several monitoring hosts behind one NAT address) together use at most
 * PT_CACHE_REFUSAL_SHARE_PERCENT of that budget, leaving the rest to the
 * real integration on the same address: 60 s x 6 / (60 x 25 %) = 24 s.
 * Shorter would risk the block; longer keeps reporting a refusal the API
 * no longer gives after the credentials are fixed. */
#define PT_API_4XX_PER_MINUTE          60
#define PT_CACHE_REFUSAL_SHARERS       6
#define PT_CACHE_REFUSAL_SHARE_PERCENT 25
#define PT_CACHE_REFUSAL_SECONDS                                                                   \
	(60 * PT_CACHE_REFUSAL_SHARERS * 100 / (PT_API_4XX_PER_MINUTE * PT_CACHE_REFUSAL_SHARE_PERCENT))
/* A token request that failed without a refusal (5xx, no answer, an
 * unusable 2xx) is remembered too, so that a failing endpoint gets one
 * request per back-off instead of one per run: 2 s after the first
 * failure, doubling while the failures go on, at most 30 s (under the
 * usual check interval of a minute, so a recovered endpoint is seen
 * within half of one). */
#define PT_CACHE_FAILURE_FIRST_SECONDS 2
#define PT_CACHE_FAILURE_MAX_SECONDS   30
/* Failures in a row an entry counts; more count as this many (the
 * back-off stopped growing long before). */
#define PT_CACHE_FAILURES_MAX 1000
/* An entry written more than this many seconds in the future was
 * written before the clock was stepped back: it is void. */
#define PT_CACHE_CLOCK_SKEW 5
/* A temporary file of another entry this old, whose entry nobody has
 * locked, is left by a run that was stopped or killed between writing
 * and renaming it: a write, fsync and rename take far less. */
#define PT_CACHE_STALE_TMP_SECONDS 10
/* The biggest entry file read: the longest token and the few short lines
 * around it. */
#define PT_CACHE_ENTRY_MAX (PT_TOKEN_MAX_CHARS + 1024)
/* The cache directory's path, and each note on why a directory was
 * passed over, in bytes with the NUL; a longer path is refused (a cut
 * path is another directory). */
#define PT_CACHE_TEXT_MAX 512
/* A Retry-After is read up to this many seconds (six digits): past every
 * bound that applies (PT_CACHE_RETRY_AFTER_MAX), so longer values need
 * no exact number. */
#define PT_RETRY_AFTER_READ_MAX 999999

/* The plugin layer: what an option may hold, how much text reaches an
 * output. */

/* -t: seconds, above 0 and at most an hour (a check engine's slot is a
 * minute or two; an hour is beyond any sane one). */
#define PT_TIMEOUT_MAX_SECONDS      3600
#define PT_TIMEOUT_MAX_SECONDS_TEXT PT_STR(PT_TIMEOUT_MAX_SECONDS)

/* The API version without -A. */
#define PT_DEFAULT_API_VERSION "v3.8"

/* Option values, in bytes: a URL (--base-url, --token-url, --proxy), a
 * client id, a scope or --token-cache path, a --noproxy list, a
 * --connect-to HOST:PORT. */
#define PT_URL_MAX        2048
#define PT_CLIENT_ID_MAX  256
#define PT_SCOPE_MAX      1024
#define PT_PATH_MAX       1024
#define PT_NOPROXY_MAX    4096
#define PT_CONNECT_TO_MAX 300
/* A host name's characters: a DNS name has at most 253 (RFC 1035's 255
 * octets on the wire); a longer one is refused as not a host. */
#define PT_HOST_MAX 255
/* --certificate days: a hundred years. */
#define PT_CERT_DAYS_MAX 36500

/* How much of a bad value an error message repeats. */
#define PT_VALUE_SHOWN 80

/* Subchecks: how many (one per concern, one per --expect-json), and the
 * bytes of a name and of a text. */
#define PT_SUBCHECK_MAX      (5 + PT_EXPECT_MAX)
#define PT_SUBCHECK_NAME_MAX 96
#define PT_SUBCHECK_TEXT_MAX 512
/* Where the first line stops naming subchecks ("; and N more"). */
#define PT_SUMMARY_MAX 700

/* How much server text may reach one line: a long-output line, and a
 * subcheck's text (the first line). */
#define PT_SERVER_TEXT_MAX  200
#define PT_SUMMARY_TEXT_MAX 100
/* A long-output line, and a run that ended before any check (its one
 * line of text). */
#define PT_LINE_MAX 1024

/* Perfdata items of one run, and the bytes of a range's text. */
#define PT_PERF_MAX       12
#define PT_RANGE_TEXT_MAX 256

/* Nagios Core's MAX_PLUGIN_OUTPUT_LENGTH: the Nagios format never
 * writes more. */
#define PT_NAGIOS_OUTPUT_MAX      8192
#define PT_NAGIOS_OUTPUT_MAX_TEXT PT_STR(PT_NAGIOS_OUTPUT_MAX)

/* Seconds the hard stop (plugins/hard_stop.c) allows beyond the run's
 * budget, for the run's own timeout to answer first. */
#define PT_HARD_STOP_MARGIN 0.5

#endif
