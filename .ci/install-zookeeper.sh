#!/bin/sh
# Installs Apache ZooKeeper 3.8 from Debian's own packages (the `zookeeper`
# package: /usr/share/java/zookeeper.jar; it starts no server by itself).
# Tests start their own servers with java -cp /usr/share/java/zookeeper.jar.
# Idempotent: does nothing when the jar is already there. Run as root.
set -eu

JAR=/usr/share/java/zookeeper.jar
if [ -f "$JAR" ] && command -v java >/dev/null 2>&1; then
  echo "install-zookeeper: $(readlink -f "$JAR") already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-zookeeper: $JAR is missing and installing it needs root (run: sudo $0)" >&2
  exit 1
fi

install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends zookeeper
}
# A fresh machine may have no package lists yet: update once, then retry.
if ! install; then
  apt-get update -qq
  install
fi

if [ ! -f "$JAR" ]; then
  echo "install-zookeeper: apt-get installed zookeeper but $JAR is missing" >&2
  exit 1
fi
if ! command -v java >/dev/null 2>&1; then
  echo "install-zookeeper: java is not on PATH (the zookeeper package should have brought a JRE)" >&2
  exit 1
fi
echo "install-zookeeper: $(readlink -f "$JAR") installed"
