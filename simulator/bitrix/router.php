<?php
/**
 * Router for `php -S`: what .htaccess and the web server config hide on a real Bitrix site stays
 * hidden here (kernel, php_interface with dbconn.php, caches, logs, custom classes).
 * Returning false lets the built-in server serve the file itself.
 */
declare(strict_types=1);

// Which request each worker is serving, so the egress proxy can name the code behind an unexpected
// connection (the worker's pid is what it finds holding the socket).
$bxTraceDir = getenv('KH_REQUEST_TRACE_DIR');
if (is_string($bxTraceDir) && $bxTraceDir !== '') {
    @file_put_contents($bxTraceDir . '/' . getmypid(), ($_SERVER['REQUEST_METHOD'] ?? 'GET') . ' ' . ($_SERVER['REQUEST_URI'] ?? '/'));
}
unset($bxTraceDir);

$path = rawurldecode((string) parse_url((string) ($_SERVER['REQUEST_URI'] ?? '/'), PHP_URL_PATH));
$hidden = '#^/(bitrix/(php_interface|modules|cache|managed_cache|log|stack_cache)|local/(php_interface|classes|modules|api/lib))(/|$)|/\.|^/__bx_log\.log$#';
if (preg_match($hidden, $path) === 1 || str_contains($path, '..')) {
    http_response_code(404);
    header('Content-Type: text/plain');
    echo "Not found\n";
    return true;
}
return false;
