<?php
/**
 * POST /local/api/refund.php { orderId, amount } — refunds (part of) an order's Kaspi purchase through
 * the site's integration: ApiClient::paymentReturn (r3 `payment/return`). The seller is the order's
 * SHOP_ID, never anything the request sends: a refund must leave from the purchase's own BIN and
 * trade point, or Kaspi refuses it (-99000003).
 *
 * 200 { ok: true, refund: { returnOperationId, organizationBin, amount } }
 * 502 { ok: false, error: { code: 'kaspi_error', kaspiStatusCode, message } }
 * 4xx { ok: false, error: { code, message } } (unknown order: 404)
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Loader;
use Bitrix\Sale\Order;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/integration.php';

run(static function (): void {
    requireMethod('POST');
    $body = jsonBody();
    $orderId = filter_var($body['orderId'] ?? null, FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
    if ($orderId === false || is_bool($body['orderId'] ?? null)) {
        throw new HttpError(400, 'invalid_order_id', 'orderId must be a positive integer');
    }
    $amount = $body['amount'] ?? null;
    if ((!is_int($amount) && !is_float($amount)) || !is_finite((float) $amount) || (float) $amount <= 0) {
        throw new HttpError(400, 'invalid_amount', 'amount must be a positive number');
    }
    $amount = round((float) $amount, 2);

    Loader::requireModule('sale');
    $order = Order::load($orderId);
    if ($order === null) {
        throw new HttpError(404, 'order_not_found', 'no order ' . $orderId);
    }
    $props = $order->getPropertyCollection()->getArray();
    $paymentId = (int) ($props['KASPI_PAYMENT_ID'] ?? 0);
    if ($paymentId <= 0) {
        throw new HttpError(409, 'no_kaspi_payment', 'order ' . $orderId . ' has no Kaspi payment');
    }
    $shopId = (int) ($props['SHOP_ID'] ?? 0);
    if ($shopId <= 0) {
        throw new HttpError(409, 'order_without_seller', 'order ' . $orderId . ' has no SHOP_ID');
    }
    // How much is left to refund is Kaspi's to judge: it answers -99000005, passed on as a 502.
    $exchange = callIntegration(apiClient(), 'paymentReturn', [['QrPaymentId' => $paymentId, 'Amount' => $amount], $shopId]);
    $exchange = is_array($exchange) ? $exchange : [];

    $answer = is_array($exchange['data'] ?? null) ? $exchange['data'] : null;
    $statusCode = $answer['StatusCode'] ?? null;
    if ($answer === null || $statusCode !== 0) {
        $message = $answer === null
            ? 'no decoded answer (' . describeExchange($exchange) . ')'
            : 'Kaspi StatusCode ' . (is_scalar($statusCode) ? (string) $statusCode : 'missing') . (isset($answer['Message']) ? ' (' . $answer['Message'] . ')' : '');
        respond(502, ['ok' => false, 'error' => [
            'code' => 'kaspi_error',
            'kaspiStatusCode' => is_int($statusCode) ? $statusCode : null,
            'message' => $message,
        ]]);
    }

    respond(200, ['ok' => true, 'refund' => [
        'returnOperationId' => $answer['Data']['ReturnOperationId'] ?? null,
        'organizationBin' => sentOrganizationBin($exchange),
        'amount' => $amount,
    ]]);
});
