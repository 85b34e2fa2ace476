# SPDX-License-Identifier: GPL-3.0-or-later
"""The oldest libcurl configure accepts is one the code builds with.

configure.ac writes the minimum once (PT_LIBCURL_MIN). Every libcurl name
the library uses is in the table below with the release that brought it
(curl's docs/libcurl/symbols-in-versions, and the "Added-in" of each
function's man page); a name newer than the minimum must sit under a
LIBCURL_VERSION_NUM guard at least as new. A new name fails the first
test until its release is written here. The last test compiles the probe
layer as if libcurl were the minimum, so that every fallback branch builds.

Checked by hand as well, against the headers of the releases themselves
(git archive curl-7_62_0 include/curl): lib/probe/*.c compiles with
7.62.0's, and fails with 7.61.1's (no URL API)."""

import re
import shlex
import shutil
import subprocess

import pytest

from build_config import makefile_variable
from plugin import BUILDDIR, REPO

# name -> the libcurl release that introduced it
SINCE = {
    "CURLAUTH_BASIC": "7.10.6",
    "CURLE_ABORTED_BY_CALLBACK": "7.1",
    "CURLE_BAD_FUNCTION_ARGUMENT": "7.1",
    "CURLE_COULDNT_CONNECT": "7.1",
    "CURLE_COULDNT_RESOLVE_HOST": "7.1",
    "CURLE_COULDNT_RESOLVE_PROXY": "7.1",
    "CURLE_FAILED_INIT": "7.1",
    "CURLE_FILESIZE_EXCEEDED": "7.10.8",
    "CURLE_HTTP2_STREAM": "7.49.0",
    "CURLE_NOT_BUILT_IN": "7.21.5",
    "CURLE_OK": "7.1",
    "CURLE_OPERATION_TIMEDOUT": "7.10.2",
    "CURLE_OUT_OF_MEMORY": "7.1",
    "CURLE_PEER_FAILED_VERIFICATION": "7.17.1",
    "CURLE_PROXY": "7.73.0",
    "CURLE_RECV_ERROR": "7.10",
    "CURLE_SEND_ERROR": "7.10",
    "CURLE_SSL_CACERT_BADFILE": "7.16.0",
    "CURLE_SSL_CERTPROBLEM": "7.10",
    "CURLE_SSL_CIPHER": "7.10",
    "CURLE_SSL_CONNECT_ERROR": "7.1",
    "CURLE_SSL_CRL_BADFILE": "7.19.0",
    "CURLE_SSL_ENGINE_INITFAILED": "7.12.3",
    "CURLE_SSL_ENGINE_NOTFOUND": "7.9.3",
    "CURLE_SSL_ENGINE_SETFAILED": "7.9.3",
    "CURLE_SSL_INVALIDCERTSTATUS": "7.41.0",
    "CURLE_SSL_ISSUER_ERROR": "7.19.0",
    "CURLE_SSL_PINNEDPUBKEYNOTMATCH": "7.39.0",
    "CURLE_SSL_SHUTDOWN_FAILED": "7.16.1",
    "CURLE_TOO_MANY_REDIRECTS": "7.5",
    "CURLE_UNKNOWN_OPTION": "7.21.5",
    "CURLE_URL_MALFORMAT": "7.1",
    "CURLE_USE_SSL_FAILED": "7.17.0",
    "CURLE_WRITE_ERROR": "7.1",
    "CURLHE_OK": "7.83.0",
    "CURLH_HEADER": "7.83.0",
    "CURLINFO_APPCONNECT_TIME_T": "7.61.0",
    "CURLINFO_CAPATH": "7.84.0",
    "CURLINFO_CERTINFO": "7.19.1",
    "CURLINFO_CONNECT_TIME_T": "7.61.0",
    "CURLINFO_CONTENT_LENGTH_DOWNLOAD_T": "7.55.0",
    "CURLINFO_EFFECTIVE_METHOD": "7.72.0",
    "CURLINFO_EFFECTIVE_URL": "7.4",
    "CURLINFO_HEADER_IN": "7.9.6",
    "CURLINFO_HEADER_OUT": "7.9.6",
    "CURLINFO_HTTP_CONNECTCODE": "7.10.7",
    "CURLINFO_HTTP_VERSION": "7.50.0",
    "CURLINFO_NAMELOOKUP_TIME_T": "7.61.0",
    "CURLINFO_REDIRECT_COUNT": "7.9.7",
    "CURLINFO_REDIRECT_TIME_T": "7.61.0",
    "CURLINFO_REDIRECT_URL": "7.18.2",
    "CURLINFO_RESPONSE_CODE": "7.10.8",
    "CURLINFO_SCHEME": "7.52.0",
    "CURLINFO_STARTTRANSFER_TIME_T": "7.61.0",
    "CURLINFO_TLS_SSL_PTR": "7.48.0",
    "CURLINFO_TOTAL_TIME_T": "7.61.0",
    "CURLOPT_ACCEPT_ENCODING": "7.21.6",
    "CURLOPT_CAINFO": "7.4.2",
    "CURLOPT_CAPATH": "7.9.8",
    "CURLOPT_CERTINFO": "7.19.1",
    "CURLOPT_CONNECTTIMEOUT_MS": "7.16.2",
    "CURLOPT_CONNECT_TO": "7.49.0",
    "CURLOPT_DEBUGDATA": "7.9.6",
    "CURLOPT_DEBUGFUNCTION": "7.9.6",
    "CURLOPT_ERRORBUFFER": "7.1",
    "CURLOPT_FOLLOWLOCATION": "7.1",
    "CURLOPT_HEADERDATA": "7.10",
    "CURLOPT_HEADERFUNCTION": "7.7.2",
    "CURLOPT_HTTPAUTH": "7.10.6",
    "CURLOPT_HTTPHEADER": "7.1",
    "CURLOPT_HTTP_VERSION": "7.9.1",
    "CURLOPT_IPRESOLVE": "7.10.8",
    "CURLOPT_MAXFILESIZE_LARGE": "7.11.0",
    "CURLOPT_MAXREDIRS": "7.5",
    "CURLOPT_NOPROXY": "7.19.4",
    "CURLOPT_NOSIGNAL": "7.10",
    "CURLOPT_PASSWORD": "7.19.1",
    "CURLOPT_POST": "7.1",
    "CURLOPT_POSTFIELDS": "7.1",
    "CURLOPT_POSTFIELDSIZE_LARGE": "7.11.1",
    "CURLOPT_PREREQDATA": "7.80.0",
    "CURLOPT_PREREQFUNCTION": "7.80.0",
    "CURLOPT_PROTOCOLS": "7.19.4",
    "CURLOPT_PROTOCOLS_STR": "7.85.0",
    "CURLOPT_PROXY": "7.1",
    "CURLOPT_REDIR_PROTOCOLS": "7.19.4",
    "CURLOPT_REDIR_PROTOCOLS_STR": "7.85.0",
    "CURLOPT_SSL_CTX_DATA": "7.10.6",
    "CURLOPT_SSL_CTX_FUNCTION": "7.10.6",
    "CURLOPT_SSL_VERIFYHOST": "7.8.1",
    "CURLOPT_SSL_VERIFYPEER": "7.4.2",
    "CURLOPT_TIMEOUT_MS": "7.16.2",
    "CURLOPT_URL": "7.1",
    "CURLOPT_USERAGENT": "7.1",
    "CURLOPT_USERNAME": "7.19.1",
    "CURLOPT_VERBOSE": "7.1",
    "CURLOPT_WRITEDATA": "7.9.7",
    "CURLOPT_WRITEFUNCTION": "7.1",
    "CURLPROTO_HTTP": "7.19.4",
    "CURLPROTO_HTTPS": "7.19.4",
    "CURLSSLBACKEND_OPENSSL": "7.34.0",
    "CURLUE_OK": "7.62.0",
    "CURLUPART_HOST": "7.62.0",
    "CURLUPART_PORT": "7.62.0",
    "CURLUPART_SCHEME": "7.62.0",
    "CURLUPART_URL": "7.62.0",
    "CURLU_DEFAULT_PORT": "7.62.0",
    "CURLVERSION_NOW": "7.10",
    "CURL_ERROR_SIZE": "7.1",
    "CURL_GLOBAL_DEFAULT": "7.8",
    "CURL_HTTP_VERSION_1_0": "7.9.1",
    "CURL_HTTP_VERSION_1_1": "7.9.1",
    "CURL_HTTP_VERSION_2TLS": "7.47.0",
    "CURL_HTTP_VERSION_2_0": "7.33.0",
    "CURL_HTTP_VERSION_3": "7.66.0",
    "CURL_IPRESOLVE_V4": "7.10.8",
    "CURL_IPRESOLVE_V6": "7.10.8",
    "CURL_PREREQFUNC_ABORT": "7.79.0",
    "CURL_PREREQFUNC_OK": "7.79.0",
    "curl_certinfo": "7.19.1",
    "curl_easy_cleanup": "7.1",
    "curl_easy_getinfo": "7.4.1",
    # 7.83.0 brought it as experimental; 7.84.0 made it a stable API.
    "curl_easy_header": "7.84.0",
    "curl_easy_init": "7.1",
    "curl_easy_perform": "7.1",
    "curl_easy_setopt": "7.1",
    "curl_easy_strerror": "7.12.0",
    "curl_free": "7.1",
    "curl_getdate": "7.1",
    "curl_global_cleanup": "7.8",
    "curl_global_init": "7.8",
    "curl_header": "7.83.0",
    "curl_infotype": "7.9.6",
    "curl_off_t": "7.11.0",
    "curl_slist": "7.1",
    "curl_slist_append": "7.1",
    "curl_slist_free_all": "7.1",
    "curl_tlssessioninfo": "7.34.0",
    "curl_url": "7.62.0",
    "curl_url_cleanup": "7.62.0",
    "curl_url_get": "7.62.0",
    "curl_url_set": "7.62.0",
    "curl_version_info": "7.10",
    "curl_version_info_data": "7.10",
}

NAME = re.compile(r"\b(CURL[A-Z]*_[A-Za-z0-9_]+|curl_[a-z_]+)\b")
GUARD = re.compile(r"^\s*#\s*if\s+LIBCURL_VERSION_NUM\s*(>=|<=|<|>)\s*(0x[0-9a-fA-F]+)")
MINIMUM = re.compile(r"^m4_define\(\[PT_LIBCURL_MIN\], \[([0-9.]+)\]\)", re.M)


def number(version):
    """A release as LIBCURL_VERSION_NUM writes it: 7.62.0 -> 0x073e00."""
    parts = [int(p) for p in version.split(".")] + [0, 0]
    return parts[0] << 16 | parts[1] << 8 | parts[2]


def minimum():
    text = (REPO / "configure.ac").read_text()
    m = MINIMUM.search(text)
    assert m, "configure.ac does not define PT_LIBCURL_MIN"
    # The check and its message both read the one definition.
    assert re.search(r"\[libcurl >= PT_LIBCURL_MIN\]", text)
    assert not re.search(r"libcurl[^\n]*[0-9]+\.[0-9]+\.[0-9]+", text.replace(m.group(0), ""))
    return m.group(1)


def code_lines(path):
    """The file's lines without comments and string literals (line
    numbers kept)."""
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    return text.split("\n")


def uses(path, floor):
    """(line number, name, the release the guards above it promise) for
    every libcurl name in path. A '#if LIBCURL_VERSION_NUM >= X' promises
    X in its branch; an #else, #elif or any other #if promises nothing
    more than the branch around it."""
    stack = []
    out = []
    for no, line in enumerate(code_lines(path), 1):
        directive = re.match(r"^\s*#\s*(\w+)", line)
        if directive:
            word = directive.group(1)
            if word in ("if", "ifdef", "ifndef"):
                g = GUARD.match(line)
                stack.append(int(g.group(2), 16) if g and g.group(1) == ">=" else 0)
            elif word in ("else", "elif"):
                stack[-1] = 0
            elif word == "endif":
                stack.pop()
            continue
        promised = max([floor] + stack)
        out.extend((no, name, promised) for name in NAME.findall(line))
    return out


def sources():
    return sorted((REPO / "lib").rglob("*.[ch]"))


def test_every_libcurl_name_has_its_release():
    unknown = sorted({(n, str(p.relative_to(REPO))) for p in sources() for _, n, _ in uses(p, 0)
                      if n not in SINCE})
    assert not unknown, "add these to SINCE with the release that brought them: %s" % unknown


def test_no_name_is_newer_than_the_minimum_or_its_guard():
    floor = number(minimum())
    too_new = ["%s:%d %s needs %s" % (p.relative_to(REPO), no, name, SINCE[name])
               for p in sources() for no, name, promised in uses(p, floor)
               if name in SINCE and number(SINCE[name]) > promised]
    assert not too_new, "guard these with LIBCURL_VERSION_NUM, or raise PT_LIBCURL_MIN: %s" % too_new


def test_every_guard_is_above_the_minimum():
    floor = number(minimum())
    dead = []
    for path in sources():
        for no, line in enumerate(code_lines(path), 1):
            g = GUARD.match(line)
            if g and int(g.group(2), 16) <= floor:
                dead.append("%s:%d" % (path.relative_to(REPO), no))
    assert not dead, "guards the minimum already meets (keep only one branch): %s" % dead


def test_the_fallbacks_compile_for_the_minimum(tmp_path):
    cc = shlex.split(makefile_variable("CC") or "cc")
    if not shutil.which(cc[0]) or not (BUILDDIR / "config.h").is_file():
        pytest.fail("needs the configured build (config.h) and its compiler")
    shim = tmp_path / "oldest_libcurl.h"
    # The installed headers, but every guard taken as the minimum would
    # take it: each fallback branch is compiled.
    # config.h first: it chooses the feature macros of the system headers.
    shim.write_text('#include "config.h"\n#include <curl/curl.h>\n#undef LIBCURL_VERSION_NUM\n'
                    "#define LIBCURL_VERSION_NUM 0x%06x\n" % number(minimum()))
    flags = subprocess.run(["pkg-config", "--cflags", "libcurl", "json-c"], capture_output=True,
                           text=True, check=True).stdout.split()
    failed = []
    for path in sorted((REPO / "lib" / "probe").glob("*.c")):
        r = subprocess.run(cc + ["-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                                 "-DCURL_DISABLE_DEPRECATION", "-include", str(shim),
                                 "-I", str(BUILDDIR), "-I", str(REPO / "lib")] + flags
                           + [str(path)], capture_output=True, text=True)
        if r.returncode != 0:
            failed.append("%s: %s" % (path.name, r.stderr.strip().splitlines()[:3]))
    assert not failed, failed
