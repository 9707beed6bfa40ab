#!/bin/sh
# MariaDB for the Bitrix stub. `mariadb-entrypoint` starts the server; `mariadb-entrypoint healthcheck`
# answers 0 once the application user can query its database (what bitrix-init needs next).
#
# The application password is the harness's (MARIADB_PASSWORD in the settings file) or generated
# here; it is written to the shared state volume, where bitrix-init reads it. No password is in the
# repository.
set -eu
# The run's settings file (stack/docker/settings.ts has every name), when there is one: plain
# `docker compose up` mounts none and runs on the defaults below. One it cannot read stops it here.
settings=/etc/kaspi-harness/settings.env
if [ -e "$settings" ]; then . "$settings"; fi
port=${MARIADB_PORT:-33061}
state=/run/kaspi-harness
password_file=$state/mariadb-password
database=dbcvety
user=usercvety

if [ "${1:-}" = healthcheck ]; then
  exec mariadb --no-defaults -h 127.0.0.1 -P "$port" -u "$user" -p"$(cat "$password_file")" \
    "$database" -e 'SELECT 1' >/dev/null
fi

# Host networking: only the host's loopback. Bridge: the container's own interfaces, which compose
# publishes on the host's 127.0.0.1 only.
if [ "${NETWORK_MODE:-bridge}" = host ]; then bind=127.0.0.1; else bind=0.0.0.0; fi

mkdir -p "$state" /run/mysqld
umask 077
password=${MARIADB_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
printf '%s' "$password" >"$password_file"
chmod 0644 "$password_file" # bitrix-init reads it; the volume is private to this compose project
sql_password=$(printf '%s' "$password" | sed "s/'/''/g")

datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
  mariadb-install-db --no-defaults --datadir="$datadir" --user=root \
    --auth-root-authentication-method=socket --skip-test-db >/dev/null
fi

# Runs before the server accepts connections, so the healthcheck never sees a half-made user.
# ALTER USER keeps a restarted container's data directory in step with its new password file.
cat >/run/mysqld/init.sql <<SQL
CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$user'@'%' IDENTIFIED BY '$sql_password';
ALTER USER '$user'@'%' IDENTIFIED BY '$sql_password';
GRANT ALL PRIVILEGES ON \`$database\`.* TO '$user'@'%';
SQL

# The native stack's settings (platform/mariadb.ts): a test database trades durability for speed.
exec mariadbd --no-defaults --datadir="$datadir" --user=root --port="$port" --bind-address="$bind" \
  --socket=/run/mysqld/mysqld.sock --init-file=/run/mysqld/init.sql \
  --skip-log-bin --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
  --innodb-buffer-pool-size=64M --performance-schema=OFF --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
