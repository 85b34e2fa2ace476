#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Test certificates for the Prioticket simulator, made with the openssl CLI.

Usage: ``certs.py OUTDIR`` or ``certs.generate(outdir)``.  Creates in OUTDIR
(EC P-256 keys, all CA-signed leaves valid for DNS localhost, IP 127.0.0.1
and IP ::1 unless said otherwise):

- ``ca.pem`` / ``ca.key``           the test CA
- ``good``                          CA-signed, valid 400 days
- ``selfsigned``                    self-signed, not by the CA
- ``expired``                       CA-signed, expired a day ago
- ``wronghost``                     CA-signed, SAN only DNS:wrong.example.invalid
- ``days5`` ``days20`` ``days400``  CA-signed, expire in 5 / 20 / 400 days
  (each NAME as ``NAME.pem`` + ``NAME.key``; CA-signed leaves have notBefore
  a day in the past)
- ``ca-hashdir/<hash>.0``           ca.pem under its subject hash (CA path)

Idempotent: nothing is done when OUTDIR already has every file.  Silent
unless something fails (then RuntimeError, or exit status 1 for the CLI).
"""

import datetime
import fcntl
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCAL_SAN = "DNS:localhost, IP:127.0.0.1, IP:::1"
DAY = datetime.timedelta(days=1)

# name -> (subjectAltName, notBefore offset, notAfter offset) relative to now
CA_SIGNED = {
    "good": (LOCAL_SAN, -DAY, 400 * DAY),
    "expired": (LOCAL_SAN, -60 * DAY, -DAY),
    "wronghost": ("DNS:wrong.example.invalid", -DAY, 400 * DAY),
    "days5": (LOCAL_SAN, -DAY, 5 * DAY),
    "days20": (LOCAL_SAN, -DAY, 20 * DAY),
    "days400": (LOCAL_SAN, -DAY, 400 * DAY),
}
LEAF_NAMES = tuple(CA_SIGNED) + ("selfsigned",)
HASHDIR = "ca-hashdir"
EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

OPENSSL_CNF = """\
[ req ]
distinguished_name = dn
[ dn ]
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_self ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {work}
database = $dir/index.txt
new_certs_dir = $dir/newcerts
serial = $dir/serial
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
"""

LEAF_EXT = """\
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = {eku}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = {san}
"""


def expected_files():
    names = ["ca.pem", "ca.key"]
    for name in LEAF_NAMES:
        names += [f"{name}.pem", f"{name}.key"]
    return names


def is_complete(outdir):
    hashed = list((outdir / HASHDIR).glob("*.0")) if (outdir / HASHDIR).is_dir() else []
    return bool(hashed) and all((outdir / name).is_file() for name in expected_files())


def openssl(*args, cwd):
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


def asn1_time(offset):
    when = datetime.datetime.now(datetime.timezone.utc) + offset
    return when.strftime("%Y%m%d%H%M%SZ")


def prepare_workdir(work):
    (work / "openssl.cnf").write_text(OPENSSL_CNF.format(work=work, san=LOCAL_SAN))
    (work / "index.txt").write_text("")
    (work / "serial").write_text(f"{secrets.randbits(63) | (1 << 62):X}\n")
    (work / "newcerts").mkdir()


def make_ca(work):
    openssl("req", "-x509", *EC_KEY, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3650",
            "-subj", "/CN=check_prioticket test CA", "-config", "openssl.cnf",
            "-extensions", "v3_ca", cwd=work)


def make_selfsigned(work):
    openssl("req", "-x509", *EC_KEY, "-keyout", "selfsigned.key", "-out", "selfsigned.pem",
            "-days", "400", "-subj", "/CN=localhost", "-config", "openssl.cnf",
            "-extensions", "v3_self", cwd=work)


def make_ca_signed(work, name, san, not_before, not_after, eku="serverAuth"):
    """A key + CSR, then `openssl ca`, which (unlike `x509 -req`) can backdate.
    The common name is the first name of the subjectAltName."""
    common_name = san.split(",")[0].split(":", 1)[1]
    (work / f"{name}.ext").write_text(LEAF_EXT.format(san=san, eku=eku))
    openssl("req", "-new", *EC_KEY, "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={common_name}", "-config", "openssl.cnf", cwd=work)
    openssl("ca", "-batch", "-notext", "-config", "openssl.cnf", "-in", f"{name}.csr",
            "-out", f"{name}.pem", "-startdate", asn1_time(not_before),
            "-enddate", asn1_time(not_after), "-extfile", f"{name}.ext", cwd=work)


def make_hashdir(work):
    subject_hash = openssl("x509", "-hash", "-noout", "-in", "ca.pem", cwd=work).strip()
    (work / HASHDIR).mkdir()
    shutil.copy(work / "ca.pem", work / HASHDIR / f"{subject_hash}.0")


def build(work):
    prepare_workdir(work)
    make_ca(work)
    for name, (san, not_before, not_after) in CA_SIGNED.items():
        make_ca_signed(work, name, san, not_before, not_after)
    make_selfsigned(work)
    make_hashdir(work)


def install(work, outdir):
    for name in expected_files():
        os.replace(work / name, outdir / name)
    shutil.rmtree(outdir / HASHDIR, ignore_errors=True)
    os.replace(work / HASHDIR, outdir / HASHDIR)


def generate(outdir):
    """Make every file in outdir unless they are all there; return outdir as a Path."""
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with open(outdir / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_complete(outdir):
            with tempfile.TemporaryDirectory(dir=outdir, prefix=".work-") as work:
                build(Path(work))
                install(Path(work), outdir)
    return outdir


def main(argv):
    if len(argv) != 2:
        print("usage: certs.py OUTDIR", file=sys.stderr)
        return 2
    try:
        generate(argv[1])
    except (OSError, RuntimeError) as exc:
        print(f"certs.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
