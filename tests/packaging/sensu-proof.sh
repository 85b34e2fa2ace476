#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Sensu asset on a fresh minbase of the release the suite runs on (run
# in the chroot by test_sensu_asset.py):
#   sensu-proof.sh ASSET_DIR HTTP_BASE HTTPS_BASE URL_503 SIM_CA
# ASSET_DIR holds the tarball and its checksum file. First the system trust
# store (ca-certificates, with the simulator's CA added), then every
# package of libcurl, json-c, OpenSSL and nghttp2 is purged: Debian 12's
# minbase has none of them, but Debian 13's holds OpenSSL (apt needs it)
# and ca-certificates brings it on both. So the plugins run where none of
# those libraries is installed, on either release. The plugins run as the
# Sensu agent runs an asset's command: the unpacked bin/ first on PATH, lib/
# on LD_LIBRARY_PATH, credentials in the environment (Sensu secrets).
# Prints '@@@ name' sections for the test to read.
set -u
asset_dir=$1
http_base=$2
https_base=$3
url_503=$4
sim_ca=$5
libraries='^(libcurl|libjson-c|libssl|openssl|libnghttp2)'

echo "@@@ minbase-packages"
dpkg-query -W -f='${Package}\n' | grep -E "$libraries|^ca-certificates" || true

# The system trust store: ca-certificates, with the simulator's CA added.
echo "@@@ ca-certificates"
export DEBIAN_FRONTEND=noninteractive
{ apt-get -qq update && apt-get -qq install -y --no-install-recommends ca-certificates; } >/tmp/apt.log 2>&1
echo "rc=$?"
tail -n 5 /tmp/apt.log
cp "$sim_ca" /usr/local/share/ca-certificates/prioticket-sim.crt
update-ca-certificates 2>&1 | tail -n 2

# The agent checks the sha512 of what it downloads (sha512sum needs
# OpenSSL's libcrypto on Debian 13).
echo "@@@ checksum"
(cd "$asset_dir" && sha512sum -c ./*_sha512-checksums.txt) 2>&1
echo "rc=$?"

# Nothing from here on needs apt or sha512sum.
echo "@@@ purged"
mapfile -t purge < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' |
  awk '$1 ~ /^.i/ { print $2 }' | grep -E "$libraries")
echo "${purge[*]}"
if [[ ${#purge[@]} -gt 0 ]]; then
  dpkg --purge --force-depends "${purge[@]}" >/tmp/purge.log 2>&1
  echo "rc=$?"
  tail -n 5 /tmp/purge.log
else
  echo "rc=0"
fi

echo "@@@ absent-packages"
dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 ~ /^.i/ { print $2 }' |
  grep -E "$libraries" || true
echo "@@@ absent-libraries"
ldconfig -p | grep -E 'libcurl|libjson-c|libnghttp2|libssl|libcrypto' || true
echo "@@@ absent-headers"
ls -d /usr/include/curl /usr/include/json-c /usr/include/openssl /usr/include/nghttp2 2>/dev/null || true

# Where the agent keeps an asset: its cache directory, named by the sha512.
sha=$(cut -d' ' -f1 "$asset_dir"/*_sha512-checksums.txt)
dir=/var/cache/sensu/sensu-agent/check-prioticket/$sha
mkdir -p "$dir"
tar -C "$dir" -xzf "$asset_dir"/check-prioticket_*_linux_amd64.tar.gz
echo "@@@ layout"
(cd "$dir" && find . -maxdepth 1 | sort)

export PATH="$dir/bin:$PATH"
export LD_LIBRARY_PATH="$dir/lib"
export PRIOTICKET_CLIENT_ID=pkg-client
export PRIOTICKET_CLIENT_SECRET=pkg-secret-Hn4Tq9Lw

echo "@@@ ldd"
ldd "$dir/bin/check_prioticket_ping" 2>&1
echo "@@@ ldd-no-env"
env -u LD_LIBRARY_PATH ldd "$dir/bin/check_prioticket_status" 2>&1

# run NAME COMMAND...: the command through sh -c, as the agent does.
run() {
  local name=$1 out rc
  shift
  out=$(sh -c "$*" 2>&1)
  rc=$?
  echo "@@@ run $name"
  echo "rc=$rc"
  echo "$out"
}

run http-ping "check_prioticket_ping --base-url=$http_base --timeout=10"
run http-status "check_prioticket_status --base-url=$http_base --timeout=10"
run https-cafile-ping "check_prioticket_ping --base-url=$https_base --ca-file=$sim_ca --timeout=10"
run https-cafile-status "check_prioticket_status --base-url=$https_base --ca-file=$sim_ca --timeout=10"
run 503-ping "check_prioticket_ping --base-url=$url_503 --timeout=10"
run 503-status "check_prioticket_status --base-url=$url_503 --timeout=10"
# An empty CA directory: nothing is trusted, the certificate cannot verify.
mkdir -p /opt/no-cas
run https-notrust-ping "check_prioticket_ping --base-url=$https_base --ca-path=/opt/no-cas --timeout=10"
run https-system-ping "check_prioticket_ping --base-url=$https_base --timeout=10"
run https-system-status "check_prioticket_status --base-url=$https_base --timeout=10"
echo "@@@ end"
