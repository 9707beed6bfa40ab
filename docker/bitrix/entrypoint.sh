#!/bin/sh
# The Bitrix stub on `php -S`, with the document root bitrix-init laid out in /home/bitrix/www (the
# production path). `bitrix-entrypoint healthcheck` answers 0 once the storefront serves its catalogue.
set -eu
port=${KASPI_HARNESS_BITRIX_PORT:-8080}
root=/home/bitrix/www

if [ "${1:-}" = healthcheck ]; then
  exec php -r '$r = @file_get_contents("http://127.0.0.1:" . $argv[1] . "/local/api/catalogue.php"); exit($r === false ? 1 : 0);' "$port"
fi

if [ "${KASPI_HARNESS_NETWORK_MODE:-bridge}" = host ]; then
  bind=127.0.0.1
  peers=127.0.0.1,localhost
else
  bind=0.0.0.0
  peers=127.0.0.1,localhost,kaspi,payment-service,mariadb
fi

# As in the native stack (simulator/bitrix/php-runtime.ts): every outbound connection goes to a
# proxy that does not exist, so integration code naming a real host fails fast instead of leaving;
# only the simulators are reached directly.
dead_proxy=http://127.0.0.1:9
export HTTP_PROXY=$dead_proxy HTTPS_PROXY=$dead_proxy http_proxy=$dead_proxy https_proxy=$dead_proxy
export NO_PROXY=$peers no_proxy=$peers
unset ALL_PROXY all_proxy
export PHP_CLI_SERVER_WORKERS=${KASPI_HARNESS_PHP_WORKERS:-4}

log_dir=/home/bitrix/logs
mkdir -p "$log_dir"
cd "$root"
# Not exec: php -S ignores SIGTERM as pid 1, so this shell forwards it and the container stops at once.
php -d display_errors=0 -d display_startup_errors=0 -d html_errors=0 -d log_errors=1 \
  -d error_reporting=32767 -d "error_log=$log_dir/php.log" \
  -S "$bind:$port" -t "$root" /home/bitrix/router.php &
server=$!
stopping=0
trap 'stopping=1; kill -TERM "$server" 2>/dev/null' TERM INT
while :; do
  status=0
  wait "$server" || status=$?
  # A trapped signal interrupts `wait` while php may still be running: wait until it has ended.
  kill -0 "$server" 2>/dev/null || break
done
[ "$stopping" = 1 ] && exit 0
echo "php -S exited with status $status" >&2
exit "$status"
