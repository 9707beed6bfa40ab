<?php
/**
 * The deployment guide's Phase 4 (status polling) and Phase 5 (CRM webhook) for one order: asks
 * Kaspi for the purchase's status through the site's ApiClient and makes the order follow it:
 *   Processed → PAYED='Y', DATE_PAYED, SUM_PAID, STATUS_ID 'P'  (then the webhook, once)
 *   Error     → STATUS_ID 'F' (failed)
 *   still QrTokenCreated after the scan/activation wait → STATUS_ID 'E' (expired)
 * When Kaspi's status becomes final (Processed or Error) the outcome is reported to the
 * payment-service once, through the team's `PaymentService\Client::updatePaymentStatus`, so its
 * paymentlog follows the payment too. A final order is answered from MySQL without calling Kaspi again.
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Application;
use Bitrix\Main\Config\Option;
use Bitrix\Sale\Order;

require_once __DIR__ . '/integration.php';

const FINAL_STATUSES = ['P' => 'Paid', 'F' => 'Failed', 'E' => 'Expired'];

/** @return array{id: int, accountNumber: string, payed: string, statusId: string, display: string, kaspiStatus: string, pollingInterval: int, final: bool, webhook: string} */
function refreshPaymentStatus(int $orderId): array
{
    $order = Order::load($orderId);
    if ($order === null) {
        throw new HttpError(404, 'order_not_found', 'no order ' . $orderId);
    }
    $props = $order->getPropertyCollection()->getArray();
    $statusId = (string) $order->getField('STATUS_ID');
    $paymentId = $props['KASPI_PAYMENT_ID'] ?? '';
    if (!isset(FINAL_STATUSES[$statusId]) && $paymentId !== '') {
        $kaspiStatus = askKaspi($paymentId);
        if ($kaspiStatus !== null) {
            applyKaspiStatus($order, $kaspiStatus, $props);
            $order = Order::load($orderId);
            $props = $order->getPropertyCollection()->getArray();
            $statusId = (string) $order->getField('STATUS_ID');
        }
    }
    return [
        'id' => $order->getId(),
        'accountNumber' => (string) $order->getField('ACCOUNT_NUMBER'),
        'payed' => $order->isPaid() ? 'Y' : 'N',
        'statusId' => $statusId,
        'display' => FINAL_STATUSES[$statusId] ?? 'Pending',
        'kaspiStatus' => (string) ($props['KASPI_PAYMENT_STATUS'] ?? ''),
        'pollingInterval' => max(1, (int) ($props['KASPI_POLL_INTERVAL'] ?? 5)),
        'final' => isset(FINAL_STATUSES[$statusId]),
        'webhook' => (string) ($props['WEBHOOK_STATUS'] ?? ''),
    ];
}

/**
 * The purchase's Kaspi status, or null when Kaspi could not be asked (the next poll retries). A class
 * without `status()` is answered 501 by name.
 */
function askKaspi(string $paymentId): ?string
{
    try {
        $exchange = callIntegration(apiClient(), 'status', [$paymentId]);
    } catch (HttpError $e) {
        if ($e->errorCode === 'not_implemented') {
            throw $e;
        }
        return null;
    }
    if (!is_array($exchange)) {
        return null;
    }
    $data = is_array($exchange['data'] ?? null) ? $exchange['data'] : [];
    $status = $data['Data']['Status'] ?? null;
    return ($data['StatusCode'] ?? null) === 0 && is_string($status) ? $status : null;
}

/** @param array<string, string> $props */
function applyKaspiStatus(Order $order, string $kaspiStatus, array $props): void
{
    $db = Application::getConnection();
    $id = $order->getId();
    $expired = $kaspiStatus === 'QrTokenCreated'
        && time() > (int) ($props['KASPI_CREATED_AT'] ?? time()) + (int) ($props['KASPI_SCAN_TIMEOUT'] ?? 180);
    $properties = $order->getPropertyCollection();
    $properties->createItemByCode('KASPI_PAYMENT_STATUS', 'Kaspi payment status')->setValue($kaspiStatus);
    $order->save();
    // Conditional updates: of two concurrent polls only one moves the order (and sends the webhook).
    if ($kaspiStatus === 'Processed') {
        $db->queryExecute("UPDATE b_sale_order SET PAYED = 'Y', DATE_PAYED = NOW(), SUM_PAID = PRICE, STATUS_ID = 'P', DATE_UPDATE = NOW() WHERE ID = $id AND PAYED = 'N'");
        if ($db->getAffectedRowsCount() === 1) {
            reportFinalStatus(Order::load($id), $kaspiStatus);
            sendPaidWebhook(Order::load($id));
        }
    } elseif ($kaspiStatus === 'Error') {
        $db->queryExecute("UPDATE b_sale_order SET STATUS_ID = 'F', DATE_UPDATE = NOW() WHERE ID = $id AND STATUS_ID = 'N'");
        if ($db->getAffectedRowsCount() === 1) {
            reportFinalStatus(Order::load($id), $kaspiStatus);
        }
    } elseif ($expired) {
        $db->queryExecute("UPDATE b_sale_order SET STATUS_ID = 'E', DATE_UPDATE = NOW() WHERE ID = $id AND STATUS_ID = 'N'");
    }
}

/**
 * Tells the payment-service how the payment ended (`updatePaymentStatus($shopId, $externalId, $status,
 * $errorMessage)`), once; what happened is kept on the order (PAYMENT_SERVICE_REPORT) for the operator.
 */
function reportFinalStatus(Order $order, string $kaspiStatus): void
{
    $props = $order->getPropertyCollection()->getArray();
    $outcome = 'reported ' . $kaspiStatus;
    try {
        callIntegration(paymentServiceClient(), 'updatePaymentStatus', [
            (int) ($props['SHOP_ID'] ?? 0),
            (string) ($props['KASPI_PAYMENT_ID'] ?? ''),
            $kaspiStatus,
            $kaspiStatus === 'Error' ? 'Kaspi reported the payment as Error' : null,
        ]);
    } catch (HttpError $e) {
        $outcome = $e->errorCode . ': ' . $e->getMessage();
    }
    $order->getPropertyCollection()->createItemByCode('PAYMENT_SERVICE_REPORT', 'payment-service status report')->setValue($outcome);
    $order->save();
}

/** Phase 5: POST the paid order to onelab.kaspipay / webhook_url (through the egress proxy), once. */
function sendPaidWebhook(Order $order): void
{
    $url = trim(Option::get('onelab.kaspipay', 'webhook_url', ''));
    if ($url === '') {
        return;
    }
    $props = $order->getPropertyCollection()->getArray();
    $payload = [
        'event' => 'payment.processed',
        'orderId' => $order->getId(),
        'accountNumber' => (string) $order->getField('ACCOUNT_NUMBER'),
        'shopId' => (int) ($props['SHOP_ID'] ?? 0),
        'amount' => $order->getPrice(),
        'currency' => $order->getCurrency(),
        'qrPaymentId' => (string) ($props['KASPI_PAYMENT_ID'] ?? ''),
        'organizationBin' => (string) ($props['KASPI_ORGANIZATION_BIN'] ?? ''),
        'paidAt' => date('c'),
    ];
    $ch = curl_init($url);
    curl_setopt_array($ch, [
        CURLOPT_POST => true,
        CURLOPT_POSTFIELDS => json_encode($payload, JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION),
        CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_TIMEOUT => 5,
    ]);
    $raw = curl_exec($ch);
    $code = (int) curl_getinfo($ch, CURLINFO_HTTP_CODE);
    $result = $raw === false ? 'error: ' . curl_error($ch) : 'HTTP ' . $code;
    curl_close($ch);
    $order->getPropertyCollection()->createItemByCode('WEBHOOK_STATUS', 'CRM webhook')->setValue($result);
    $order->save();
}
