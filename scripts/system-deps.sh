#!/usr/bin/env bash
# Debian packages WeasyPrint needs (its pip wheels do not bundle Pango).
# Installs them when run as root on Debian and they are missing; otherwise
# says what to install. libharfbuzz-subset0 matters: without it PDFs are
# slower to write and not byte-reproducible (see README).
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "trialdocs needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
