<?php
/**
 * How the site calls the team's integration classes (local/classes/Integration/...), in the shapes a
 * real site uses:
 *   - with the seller's shop id (the Phase 3 checkout);
 *   - from an order context without one, as code written before Phase 3 does: a legacy sale payment
 *     handler loads the order into `$GLOBALS['arOrder']` (the fields of b_sale_order, as
 *     CSaleOrder::GetByID returned them — no seller among them) and calls `getCreteQr($params)`;
 *     the class must find the order's seller itself.
 * A method the team's class lacks is answered 501 not_implemented, naming it, and a class that throws
 * is answered 502 naming the exception — never a PHP fatal.
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Sale\Order;
use Integration\Kaspi\ApiClient;
use Integration\PaymentService\Client as PaymentServiceClient;

/**
 * Calls `$method` on the team's object; `$extra` goes into a failure's answer (the order it was for).
 *
 * @param array<int, mixed> $args
 * @param array<string, mixed> $extra
 */
function callIntegration(object $client, string $method, array $args, array $extra = []): mixed
{
    $name = $client::class . '::' . $method;
    if (!is_callable([$client, $method])) {
        throw new HttpError(501, 'not_implemented', $name . ' is not implemented', $extra);
    }
    try {
        return $client->$method(...$args);
    } catch (\Throwable $e) {
        error_log(sprintf('[integration] %s threw %s: %s', $name, $e::class, $e->getMessage()));
        throw new HttpError(502, 'integration_threw', sprintf('%s threw %s: %s', $name, $e::class, $e->getMessage()), $extra);
    }
}

/** The team's ApiClient, constructed as the site does; a constructor that throws is named too. */
function apiClient(array $extra = []): ApiClient
{
    try {
        return new ApiClient();
    } catch (\Throwable $e) {
        throw new HttpError(502, 'integration_threw', sprintf('new %s threw %s: %s', ApiClient::class, $e::class, $e->getMessage()), $extra);
    }
}

function paymentServiceClient(array $extra = []): PaymentServiceClient
{
    try {
        return new PaymentServiceClient();
    } catch (\Throwable $e) {
        throw new HttpError(502, 'integration_threw', sprintf('new %s threw %s: %s', PaymentServiceClient::class, $e::class, $e->getMessage()), $extra);
    }
}

/**
 * An ApiClient payment method called the way the site's code calls it: `with-shop-id` passes the
 * seller; `order-context` is the pre-Phase-3 sale payment handler (see the file's comment).
 *
 * @param array<string, mixed> $fields the Kaspi request fields
 * @param array<string, mixed> $extra
 * @return array<string, mixed> the exchange the class returned
 */
function callForOrder(ApiClient $client, string $method, array $fields, Order $order, int $shopId, string $callShape, array $extra): array
{
    if ($callShape === 'order-context') {
        $GLOBALS['arOrder'] = $order->getFieldValues();
        try {
            $exchange = callIntegration($client, $method, [$fields], $extra);
        } finally {
            unset($GLOBALS['arOrder']);
        }
    } else {
        $exchange = callIntegration($client, $method, [$fields, $shopId], $extra);
    }
    return is_array($exchange) ? $exchange : ['returned' => $exchange];
}

/** What the class returned for Kaspi's answer, in a few words, for a failure's message. */
function describeExchange(array $exchange): string
{
    $data = $exchange['data'] ?? null;
    $what = match (true) {
        $data === null => 'data: null',
        is_string($data) => 'data: a string (' . json_encode(mb_substr($data, 0, 60), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES) . ')',
        is_array($data) => 'data: ' . (isset($data['StatusCode']) ? 'StatusCode ' . json_encode($data['StatusCode']) : 'an array without StatusCode (keys ' . implode(', ', array_slice(array_map('strval', array_keys($data)), 0, 6)) . ')'),
        default => 'data: ' . get_debug_type($data),
    };
    $http = (int) ($exchange['http_code'] ?? 0);
    $curl = is_string($exchange['curlErrors'] ?? null) ? $exchange['curlErrors'] : '';
    if (!array_key_exists('data', $exchange)) {
        $what = 'no `data` in the returned array (keys ' . implode(', ', array_slice(array_map('strval', array_keys($exchange)), 0, 8)) . ')';
    }
    return $what . ', http_code ' . $http . ($curl !== '' ? ', curl: ' . $curl : '');
}

/**
 * Kaspi's decoded answer when it is a success with a `Data` object; otherwise a 502 that says what the
 * class returned.
 *
 * @param array<string, mixed> $extra
 * @return array<string, mixed> Kaspi's `Data`
 */
function kaspiData(array $exchange, array $extra): array
{
    $answer = is_array($exchange['data'] ?? null) ? $exchange['data'] : null;
    if ($answer === null || ($answer['StatusCode'] ?? null) !== 0 || !is_array($answer['Data'] ?? null)) {
        $reason = $answer === null
            ? 'missing: no decoded answer (' . describeExchange($exchange) . ')'
            : json_encode($answer['StatusCode'] ?? 'missing') . (isset($answer['Message']) ? ' (' . $answer['Message'] . ')' : '');
        throw new HttpError(502, 'kaspi_error', 'Kaspi StatusCode ' . $reason, $extra + ['kaspiStatusCode' => is_array($answer) && is_int($answer['StatusCode'] ?? null) ? $answer['StatusCode'] : null]);
    }
    return $answer['Data'];
}

/** The OrganizationBin the class sent, as it reported it in `sentData`. */
function sentOrganizationBin(array $exchange): string
{
    $sent = $exchange['sentData'] ?? [];
    if (is_string($sent)) {
        $sent = json_decode($sent, true);
    }
    return is_array($sent) ? (string) ($sent['OrganizationBin'] ?? '') : '';
}
