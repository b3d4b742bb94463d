#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432, or TEST_POSTGRES_URL) and Redis (127.0.0.1:6379) answer,
# installing them from Debian's packages when missing; installs Chromium (/usr/bin/chromium) for
# the browser tests, and a Chinese font for the console's screenshots. Runs as `npm test`'s
# pretest (so CI and a fresh machine get it); idempotent. Needs root (or sudo) only when something
# must be installed or started. It changes PostgreSQL's authentication (pg_hba.conf) only when
# asked (CI=true or KEFU_TEST_PG_TRUST=1) or when it installed PostgreSQL itself in this run (a
# server made for the tests, with nothing of anyone's to protect), and says so.
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

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  # The tests use that server as it is: nothing to install, start or reconfigure here.
  pg_ready() { psql "$TEST_POSTGRES_URL" -w -Atc 'select 1' >/dev/null 2>&1; }
else
  installed_postgres=""
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL"
    apt_install postgresql
    installed_postgres=1
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n1)
  if ! pg_ready; then
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || $SUDO pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  # The tests connect as postgres over TCP without a password (TEST_POSTGRES_URL's default). When
  # the server asks for one, trusting loopback changes the machine's security: done only when
  # asked, on CI (CI=true) or with KEFU_TEST_PG_TRUST=1, and said.
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  trust='host all all 127.0.0.1/32 trust # kefu-hub\nhost all all ::1/128 trust # kefu-hub\n'
  if pg_ready && ! psql -h 127.0.0.1 -U postgres -d postgres -w -Atc 'select 1' >/dev/null 2>&1; then
    if [ "${CI:-}" != "true" ] && [ "${KEFU_TEST_PG_TRUST:-}" != "1" ] && [ -z "$installed_postgres" ]; then
      {
        echo "PostgreSQL on 127.0.0.1:5432 asks user postgres for a password, so the tests cannot connect."
        echo "Either point the tests at a server and role that may create databases:"
        echo "  TEST_POSTGRES_URL=postgres://USER:PASSWORD@127.0.0.1:5432/postgres npm test"
        echo "or let this script add these lines to the top of $hba and reload PostgreSQL"
        echo "(any local user may then log in as any role without a password: fine on a machine of"
        echo "your own, not on a shared one):"
        printf "$trust" | sed 's/^/  /'
        echo "  KEFU_TEST_PG_TRUST=1 npm test"
      } >&2
      exit 1
    fi
    echo "adding to the top of $hba, then reloading PostgreSQL:"
    printf "$trust" | sed 's/^/  /'
    printf "$trust" | $SUDO sh -c "cat - $hba > $hba.new && mv $hba.new $hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || $SUDO pg_ctlcluster "$version" main reload
    sleep 1
  fi
fi
pg_ready || { echo "PostgreSQL does not answer at ${TEST_POSTGRES_URL:-127.0.0.1:5432}" >&2; exit 1; }

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
# The console's browser test writes the screenshots of docs/agents.md: they need a font with Chinese.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  echo "installing a Chinese font for the console's screenshots"
  apt_install fonts-wqy-microhei
fi
echo "PostgreSQL and Redis are up; Chromium and a Chinese font are installed"
