#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432, trust auth for local connections) and Redis (127.0.0.1:6379)
# answer, installing them from Debian's packages when missing; installs Chromium (/usr/bin/chromium)
# for the widget's browser tests. Runs as `npm test`'s pretest (so CI and a fresh machine get it);
# idempotent. Needs root (or sudo) only when something must be installed or started.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

pg_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL"
  apt_install postgresql
fi
version=$(ls /etc/postgresql | sort -V | tail -n1)
if ! pg_ready; then
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || $SUDO pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
# Tests connect as postgres over TCP without a password, as on the CI machines: add trust lines for
# loopback when the server asks for one.
if pg_ready && ! psql -h 127.0.0.1 -U postgres -d postgres -w -Atc 'select 1' >/dev/null 2>&1; then
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  printf 'host all all 127.0.0.1/32 trust # kefu-hub\nhost all all ::1/128 trust # kefu-hub\n' | $SUDO sh -c "cat - $hba > $hba.new && mv $hba.new $hba"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || $SUDO pg_ctlcluster "$version" main reload
  sleep 1
fi
pg_ready || { echo "PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

if ! command -v redis-server >/dev/null 2>&1; then
  echo "installing Redis"
  apt_install redis-server
fi
if ! redis_ready; then
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 1 30); do redis_ready && break; sleep 1; done
redis_ready || { echo "Redis does not answer on 127.0.0.1:6379" >&2; exit 1; }

# The web widget's end-to-end tests drive Debian's Chromium through playwright-core.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing Chromium"
  apt_install chromium
fi
echo "PostgreSQL and Redis are up; Chromium is installed"
