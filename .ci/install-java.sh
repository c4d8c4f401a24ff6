#!/bin/sh
# Installs a JDK (17+) and Maven from Debian for the Eureka server fixture
# (test/fixtures/eureka-server). Idempotent: does nothing when java and mvn
# are already on PATH. Run as root.
set -eu

if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  echo "install-java: $(java -version 2>&1 | head -n 1) and $(mvn -v 2>/dev/null | head -n 1) already installed"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-java: java or mvn is missing and installing them needs root (run: sudo $0)" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven
