# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs every fuzz target's seed corpus and regression inputs without
libFuzzer, so that they are checked by every `make check` even where
clang is missing.

Each tests/fuzz/fuzz_<name>.c is linked with tests/fuzz/standalone_main.c
(a main() that calls LLVMFuzzerTestOneInput once per file) and the
library sources lib/**/*.c, compiled here with gcc into a temporary
directory, with AddressSanitizer and UndefinedBehaviorSanitizer when the
compiler supports them. config.h comes from $PT_BUILDDIR (default: the
repository root); without it the tests are skipped, since configure has
not run. Anything else that goes wrong (no compiler, a build error, a
target without seeds) is a failure: a check that silently does not run
protects nothing.

The fuzzing itself (tests/fuzz/build.sh, tests/fuzz/run.sh) needs clang
and is not part of `make check`.
"""

import concurrent.futures
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
BUILD_DIR = Path(os.environ.get("PT_BUILDDIR", str(REPO_ROOT)))
TARGETS = sorted(p.stem for p in HERE.glob("fuzz_*.c"))

SAN_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all",
             "-fno-omit-frame-pointer"]
COMPILE_TIMEOUT = 300
# The inputs are small; only a hang comes near this.
RUN_TIMEOUT = 300


def _inputs(kind, name):
    d = HERE / kind / name
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*") if p.is_file() and not p.name.startswith("."))


def _run(cmd, **kw):
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, check=False, **kw)


def _dep_flags():
    """pkg-config's flags for libcurl, json-c, libssl and libcrypto (the TLS
    facts of lib/probe/http_sinks.c, the verified chain of certinfo.c), as
    configure found them."""
    pkg = shutil.which("pkg-config")
    if pkg:
        cflags = _run([pkg, "--cflags", "libcurl", "json-c", "libssl", "libcrypto"])
        libs = _run([pkg, "--libs", "libcurl", "json-c", "libssl", "libcrypto"])
        if cflags.returncode == 0 and libs.returncode == 0:
            return cflags.stdout.decode().split(), libs.stdout.decode().split()
    return [], ["-lcurl", "-ljson-c", "-lssl", "-lcrypto"]


def _san_env(detect_leaks):
    return dict(os.environ,
                ASAN_OPTIONS=f"detect_leaks={1 if detect_leaks else 0}:abort_on_error=0",
                UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")


def _sanitizers(cc, workdir):
    """The sanitizer flags and environment that work here: ASan+UBSan with
    leak detection, without it (LeakSanitizer needs ptrace, which some
    containers refuse), or none at all."""
    src = workdir / "probe.c"
    exe = workdir / "probe"
    src.write_text("#include <stdlib.h>\n"
                   "int main(void) { char *p = malloc(4); p[0] = 0; free(p); return 0; }\n")
    build = _run([cc, *SAN_FLAGS, str(src), "-o", str(exe)], timeout=COMPILE_TIMEOUT)
    if build.returncode == 0:
        for leaks in (True, False):
            env = _san_env(leaks)
            if _run([str(exe)], env=env, timeout=60).returncode == 0:
                return SAN_FLAGS, env, "ASan+UBSan" + ("" if leaks else " (no leak check)")
    return [], dict(os.environ), "no sanitizers"


@pytest.fixture(scope="module")
def toolchain(tmp_path_factory):
    if not (BUILD_DIR / "config.h").is_file():
        pytest.skip(f"{BUILD_DIR / 'config.h'} is missing: run ./configure first")
    cc = os.environ.get("PT_FUZZ_CC") or shutil.which("gcc") or shutil.which("cc")
    if not cc:
        pytest.fail("no C compiler (gcc or cc) to build the fuzz targets", pytrace=False)
    workdir = tmp_path_factory.mktemp("fuzz-standalone")
    dep_cflags, dep_libs = _dep_flags()
    san, env, san_name = _sanitizers(cc, workdir)
    cflags = ["-g", "-O1", f"-I{REPO_ROOT / 'lib'}", f"-I{BUILD_DIR}",
              *dep_cflags, *san]

    sources = sorted((REPO_ROOT / "lib").rglob("*.c"))
    assert sources, "no library sources under lib/"
    objdir = workdir / "obj"
    objdir.mkdir()

    def compile_one(src):
        rel = src.relative_to(REPO_ROOT)
        obj = objdir / (str(rel).replace(os.sep, "_")[:-2] + ".o")
        proc = _run([cc, *cflags, "-c", str(src), "-o", str(obj)], timeout=COMPILE_TIMEOUT)
        return rel, obj, proc

    objs = []
    errors = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for rel, obj, proc in pool.map(compile_one, sources):
            if proc.returncode != 0:
                errors.append(f"{rel}:\n{proc.stdout.decode('utf-8', 'replace')}")
            objs.append(obj)
    if errors:
        pytest.fail("cannot compile the library for the fuzz targets:\n" + "\n".join(errors),
                    pytrace=False)
    return {
        "cc": cc,
        "cflags": cflags,
        "libs": [*dep_libs, "-lm"],
        "objs": [str(o) for o in objs],
        "dir": workdir,
        "env": env,
        "san": san_name,
    }


def test_every_target_has_seeds_and_a_regression_dir():
    assert TARGETS, "no tests/fuzz/fuzz_*.c"
    for name in TARGETS:
        assert _inputs("corpus", name), f"tests/fuzz/corpus/{name}/ has no seed inputs"
        assert (HERE / "regressions" / name).is_dir(), f"tests/fuzz/regressions/{name}/ is missing"


@pytest.mark.parametrize("name", TARGETS)
def test_corpus_and_regressions(toolchain, name):
    tc = toolchain
    exe = tc["dir"] / name
    link = _run([tc["cc"], *tc["cflags"], f"-I{HERE}", str(HERE / f"{name}.c"),
                 str(HERE / "standalone_main.c"), *tc["objs"], *tc["libs"], "-o", str(exe)],
                timeout=COMPILE_TIMEOUT)
    if link.returncode != 0:
        pytest.fail(f"cannot build {name}:\n{link.stdout.decode('utf-8', 'replace')}",
                    pytrace=False)

    inputs = _inputs("regressions", name) + _inputs("corpus", name)
    assert inputs, f"no inputs for {name}"
    try:
        scratch = tc["dir"] / f"{name}.tmp"
        scratch.mkdir(exist_ok=True)
        env = dict(tc["env"], PT_FUZZ_TMPDIR=str(scratch))
        proc = _run([str(exe), *map(str, inputs)], cwd=str(tc["dir"]), env=env,
                    timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        pytest.fail(f"{name} did not finish within {RUN_TIMEOUT} s\n{out[-4000:]}", pytrace=False)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        # The driver names each input before running it: the last one
        # named is the culprit.
        ran = [line for line in out.splitlines() if line.startswith("running ")]
        culprit = ran[-1][len("running "):] if ran else "(before the first input)"
        report = "\n".join(line for line in out.splitlines() if not line.startswith("running "))
        pytest.fail(f"{name} ({tc['san']}) failed on {culprit}, exit {proc.returncode}\n"
                    f"{report[-6000:]}", pytrace=False)
