#!/bin/sh
# PostgreSQL for the payment-service simulator, as the native stack runs it (platform/postgres.ts): trust
# authentication for the user postgres, durability off. `postgres-entrypoint healthcheck` answers 0
# once it accepts queries. Stop it with SIGINT (fast shutdown; compose sets stop_signal).
set -eu
# The run's settings file (stack/docker/settings.ts has every name), when there is one: plain
# `docker compose up` mounts none and runs on the defaults below. One it cannot read stops it here.
settings=/etc/kaspi-harness/settings.env
if [ -e "$settings" ]; then . "$settings"; fi
port=${POSTGRES_PORT:-54321}
bin=/usr/local/lib/postgresql-bin
data=/var/lib/kaspi-harness-postgres

if [ "${1:-}" = healthcheck ]; then
  exec "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres
fi

if [ "${NETWORK_MODE:-bridge}" = host ]; then listen=127.0.0.1; else listen='*'; fi

if [ ! -f "$data/PG_VERSION" ]; then
  mkdir -p "$data"
  chown postgres:postgres "$data"
  setpriv --reuid=postgres --regid=postgres --init-groups \
    "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
  # Bridge networking: the simulators reach it from their own containers. The port is published on
  # the host's 127.0.0.1 only, as the native cluster listens there with the same trust rule.
  if [ "$listen" = '*' ]; then
    echo 'host all all 0.0.0.0/0 trust' >>"$data/pg_hba.conf"
  fi
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups \
  "$bin/postgres" -D "$data" -p "$port" -h "$listen" -k /tmp \
  -c fsync=off -c synchronous_commit=off -c full_page_writes=off
