#!/bin/sh
# Installs Consul 1.8.7 (MPL-2.0) from Debian bullseye on Debian bookworm, which
# has no consul package. Only consul comes from bullseye: the source is pinned
# low (priority 100). Idempotent: does nothing when consul is already on PATH.
# Run as root.
set -eu

if command -v consul >/dev/null 2>&1; then
  echo "install-consul: $(consul version | head -n 1) already installed at $(command -v consul)"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-consul: consul is missing and installing it needs root (run: sudo $0)" >&2
  exit 1
fi

SRC=/etc/apt/sources.list.d/bullseye-consul.sources
PIN=/etc/apt/preferences.d/bullseye-consul
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  # The machine's own first Debian stanza, with its suite changed to bullseye.
  awk 'BEGIN{RS="";ORS="\n"} NR==1' /etc/apt/sources.list.d/debian.sources \
    | sed 's/^Suites:.*/Suites: bullseye/' | grep -v '^#' > "$SRC"
else
  # A machine with a one-line sources.list instead: the standard mirror.
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bullseye\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$SRC"
fi
printf 'Package: *\nPin: release n=bullseye\nPin-Priority: 100\n' > "$PIN"

apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends consul

if ! command -v consul >/dev/null 2>&1; then
  echo "install-consul: apt-get installed consul but it is not on PATH" >&2
  exit 1
fi
echo "install-consul: $(consul version | head -n 1) installed at $(command -v consul)"
