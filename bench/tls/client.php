<?php
/**
 * bench:tls's client: `calls` sequential calls to `url`, each on a new curl handle, as the team's
 * ApiClient makes them; with the partner's client certificate when asked. Prints its own CPU and
 * wall time as JSON.
 *   php client.php <url> <calls> <dir with ca.pem, client.crt, client.key> <client-certificate|none> <expected body>
 */
declare(strict_types=1);

[, $url, $calls, $dir, $certificate, $expected] = $argv;
$options = [CURLOPT_RETURNTRANSFER => true, CURLOPT_CAINFO => "$dir/ca.pem"];
if ($certificate === 'client-certificate') {
    $options += [CURLOPT_SSLCERT => "$dir/client.crt", CURLOPT_SSLKEY => "$dir/client.key"];
}
$cpuUs = fn(array $usage): float => $usage['ru_utime.tv_sec'] * 1e6 + $usage['ru_utime.tv_usec']
    + $usage['ru_stime.tv_sec'] * 1e6 + $usage['ru_stime.tv_usec'];

$before = getrusage();
$started = hrtime(true);
for ($i = 0; $i < (int) $calls; $i++) {
    $handle = curl_init($url);
    curl_setopt_array($handle, $options);
    if (curl_exec($handle) !== $expected) {
        fwrite(STDERR, "call $i to $url failed: " . curl_error($handle) . "\n");
        exit(1);
    }
    curl_close($handle);
}
echo json_encode([
    'cpuMs' => ($cpuUs(getrusage()) - $cpuUs($before)) / 1000,
    'wallMs' => (hrtime(true) - $started) / 1e6,
]);
