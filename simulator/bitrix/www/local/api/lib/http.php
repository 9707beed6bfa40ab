<?php
/**
 * JSON API plumbing for the storefront endpoints: every answer, including a failure, is a JSON body;
 * PHP warnings go to the error log and never into a response.
 */
declare(strict_types=1);

namespace Harness\Api;

final class HttpError extends \RuntimeException
{
    /** @param array<string, mixed> $extra more top-level fields of the answer (the order a failed payment belongs to, say) */
    public function __construct(
        public readonly int $status,
        public readonly string $errorCode,
        string $message,
        public readonly array $extra = [],
    ) {
        parent::__construct($message);
    }
}

function respond(int $status, array $body): never
{
    while (ob_get_level() > 0) {
        ob_end_clean();
    }
    http_response_code($status);
    header('Content-Type: application/json; charset=utf-8');
    header('Cache-Control: no-store');
    echo json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
    exit;
}

/** @param array<string, mixed> $extra */
function fail(int $status, string $code, string $message, array $extra = []): never
{
    respond($status, ['ok' => false, 'error' => ['code' => $code, 'message' => $message]] + $extra);
}

/**
 * Runs an endpoint (after the file required prolog_before.php at file scope, as Bitrix pages do):
 * HttpError becomes its 4xx/5xx answer, anything else a 500 without a stack trace. */
function run(callable $endpoint): never
{
    ini_set('display_errors', '0');
    ob_start();
    register_shutdown_function(static function (): void {
        $error = error_get_last();
        if ($error !== null && in_array($error['type'], [E_ERROR, E_PARSE, E_CORE_ERROR, E_COMPILE_ERROR], true) && !headers_sent()) {
            fail(500, 'internal_error', 'PHP fatal error (see the PHP log)');
        }
    });
    try {
        $endpoint();
    } catch (HttpError $e) {
        fail($e->status, $e->errorCode, $e->getMessage(), $e->extra);
    } catch (\Throwable $e) {
        error_log(sprintf('[local/api] %s: %s at %s:%d', $e::class, $e->getMessage(), $e->getFile(), $e->getLine()));
        fail(500, 'internal_error', $e::class . ': ' . $e->getMessage());
    }
    fail(500, 'internal_error', 'the endpoint produced no answer');
}

function requireMethod(string $method): void
{
    if (($_SERVER['REQUEST_METHOD'] ?? 'GET') !== $method) {
        header('Allow: ' . $method);
        throw new HttpError(405, 'method_not_allowed', 'use ' . $method);
    }
}

/** @return array<string, mixed> */
function jsonBody(): array
{
    $raw = (string) file_get_contents('php://input');
    try {
        $body = json_decode($raw, true, 32, JSON_THROW_ON_ERROR);
    } catch (\JsonException $e) {
        throw new HttpError(400, 'invalid_json', 'the body must be JSON: ' . $e->getMessage());
    }
    if (!is_array($body) || array_is_list($body)) {
        throw new HttpError(400, 'invalid_json', 'the body must be a JSON object');
    }
    return $body;
}
