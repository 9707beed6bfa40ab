#!/bin/sh
# The Bitrix stub on `php -S`, with the document root bitrix-init laid out in /home/bitrix/www (the
# production path). `bitrix-entrypoint healthcheck` answers 0 once the storefront serves its catalogue;
# `bitrix-entrypoint run php …` runs a command as the site's PHP runs (for `docker exec`: the
# container's own environment lacks the proxy variables set here).
set -eu
# The run's settings file (stack/docker/settings.ts has every name), when there is one: plain
# `docker compose up` mounts none and runs on the defaults below. One it cannot read stops it here.
settings=/etc/kaspi-harness/settings.env
if [ -e "$settings" ]; then . "$settings"; fi
port=${BITRIX_PORT:-8080}
root=/home/bitrix/www
# Written by the sandbox container into the shared state volume (stack/docker/sandbox-service.ts):
# the run's CA, and an ini with curl.cainfo/openssl.cafile and the stream wrappers' proxy prepend file.
state=/run/kaspi-harness
ca_file=$state/tls/ca.pem
ini_dir=$state/php/conf.d

if [ "${1:-}" = healthcheck ]; then
  exec php -r '$r = @file_get_contents("http://127.0.0.1:" . $argv[1] . "/local/api/catalogue.php"); exit($r === false ? 1 : 0);' "$port"
fi

# This container has no network (network_mode: none): only its own loopback, where socat relays the
# egress proxy's and MariaDB's ports to unix sockets the sandbox container serves, and the sandbox
# relays the published Bitrix port to ours (stack/docker/relay.ts). Raw sockets reach nothing else.
sockets=/run/kh-sockets
egress_port=${EGRESS_PORT:-3128}
mariadb_port=${MARIADB_PORT:-33061}

# As in the native stack (simulator/bitrix/php-runtime.ts): every outbound connection goes to the
# egress proxy, which routes the production hosts to the simulators and refuses the rest. libcurl's
# https:// speaks SOCKS5 to it (socks5h: the proxy resolves names; unlike an HTTP CONNECT, nothing of
# the proxy shows in curl's CURLOPT_HEADER output), http:// plain HTTP (lowercase http_proxy, the
# only one libcurl reads); both on the same port. Only loopback is direct; MariaDB is reached by
# mysqli, which no proxy variable affects.
egress=http://127.0.0.1:$egress_port
socks=socks5h://127.0.0.1:$egress_port
export HTTP_PROXY=$egress HTTPS_PROXY=$socks http_proxy=$egress https_proxy=$socks
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset ALL_PROXY all_proxy
# A leading ':' keeps Debian's own conf.d (the extensions) before the harness's ini.
export PHP_INI_SCAN_DIR=:$ini_dir
export PHP_CLI_SERVER_WORKERS=${PHP_WORKERS:-4}

if [ "${1:-}" = run ]; then
  shift
  exec "$@"
fi

# Without the sandbox's files PHP would trust nothing and its stream wrappers would go direct: refuse.
for file in "$ca_file" "$ini_dir/99-kaspi-harness.ini"; do
  if [ ! -r "$file" ]; then
    echo "bitrix: $file is missing or unreadable: the sandbox container has not prepared this run" >&2
    exit 1
  fi
done

log_dir=/home/bitrix/logs
mkdir -p "$log_dir"
rm -f "$sockets/bitrix-http.sock"
socat -lf "$log_dir/socat-egress.log" "TCP-LISTEN:$egress_port,bind=127.0.0.1,reuseaddr,fork" \
  "UNIX-CONNECT:$sockets/egress.sock" &
relays=$!
socat -lf "$log_dir/socat-mariadb.log" "TCP-LISTEN:$mariadb_port,bind=127.0.0.1,reuseaddr,fork" \
  "UNIX-CONNECT:$sockets/mariadb.sock" &
relays="$relays $!"
socat -lf "$log_dir/socat-http.log" "UNIX-LISTEN:$sockets/bitrix-http.sock,mode=600,unlink-early,fork" \
  "TCP:127.0.0.1:$port" &
relays="$relays $!"

cd "$root"
# Not exec: php -S ignores SIGTERM as pid 1, so this shell forwards it and the container stops at once.
php -d display_errors=0 -d display_startup_errors=0 -d html_errors=0 -d log_errors=1 \
  -d error_reporting=32767 -d "error_log=$log_dir/php.log" -d opcache.enable_cli=1 -d opcache.revalidate_freq=0 \
  -S "127.0.0.1:$port" -t "$root" /home/bitrix/router.php &
server=$!
stopping=0
# shellcheck disable=SC2086 # $relays is a list of pids
trap 'stopping=1; kill -TERM "$server" $relays 2>/dev/null' TERM INT
while :; do
  status=0
  wait "$server" || status=$?
  # A trapped signal interrupts `wait` while php may still be running: wait until it has ended.
  kill -0 "$server" 2>/dev/null || break
done
[ "$stopping" = 1 ] && exit 0
echo "php -S exited with status $status" >&2
exit "$status"
