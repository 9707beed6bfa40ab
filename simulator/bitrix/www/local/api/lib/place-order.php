<?php
/**
 * Places one seller's order and creates its Kaspi purchase through the site's integration
 * (local/classes/Integration/Kaspi/ApiClient.php — ours or the team's). Shared by the JSON checkout
 * endpoint and the storefront's checkout page. The seller is the SHOP of the products, never
 * anything the browser sends.
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Sale\Basket;
use Bitrix\Sale\Order;
use Integration\Kaspi\ApiClient;

/**
 * @param array<int, int> $quantities product id => quantity, all of one seller
 * @param array{name: string, phone: string, email: string} $customer
 * @param array<int, array{id: int, shopId: int, name: string, price: float}> $products loaded products
 * @return array{order: array{id: int, accountNumber: string, shopId: int, price: float}, payment: array<string, mixed>}
 */
function placeOrder(array $quantities, array $customer, string $paymentMethod, array $products): array
{
    $shopIds = array_values(array_unique(array_map(static fn (int $id): int => $products[$id]['shopId'], array_keys($quantities))));
    if (count($shopIds) !== 1) {
        throw new HttpError(422, 'mixed_sellers', 'all items must belong to one seller; got shops ' . implode(', ', $shopIds));
    }
    $shopId = $shopIds[0];
    if ($shopId <= 0) {
        throw new HttpError(422, 'product_without_seller', 'the products have no SHOP');
    }

    $order = Order::create(SITE_ID, null, 'KZT');
    $basket = Basket::create(SITE_ID);
    foreach ($quantities as $productId => $quantity) {
        $basket->createItem('catalog', $productId)->setFields([
            'NAME' => $products[$productId]['name'],
            'PRICE' => $products[$productId]['price'],
            'QUANTITY' => (float) $quantity,
            'CURRENCY' => 'KZT',
        ]);
    }
    $order->setBasket($basket);
    $properties = $order->getPropertyCollection();
    $properties->createItemByCode('SHOP_ID', 'Shop')->setValue((string) $shopId);
    $properties->createItemByCode('FIO', 'Name')->setValue($customer['name']);
    $properties->createItemByCode('PHONE', 'Phone')->setValue($customer['phone']);
    $properties->createItemByCode('EMAIL', 'E-mail')->setValue($customer['email']);
    $properties->createItemByCode('KASPI_PAYMENT_METHOD', 'Kaspi payment method')->setValue($paymentMethod);
    $order->save();
    $accountNumber = (string) $order->getField('ACCOUNT_NUMBER');

    $kaspiFields = ['Amount' => $order->getPrice(), 'ExternalId' => $accountNumber];
    try {
        $client = new ApiClient();
        $exchange = $paymentMethod === 'qr'
            ? $client->getCreteQr($kaspiFields, $shopId)
            : $client->createLink($kaspiFields, $shopId);
    } catch (\Throwable $e) {
        error_log(sprintf('[checkout] order %s: ApiClient threw %s: %s', $accountNumber, $e::class, $e->getMessage()));
        throw new HttpError(502, 'kaspi_error', 'Kaspi request failed: ' . $e->getMessage());
    }

    $answer = is_array($exchange['data'] ?? null) ? $exchange['data'] : null;
    if ($answer === null || ($answer['StatusCode'] ?? null) !== 0 || !is_array($answer['Data'] ?? null)) {
        $reason = $answer === null
            ? 'missing: no JSON answer (HTTP ' . (int) ($exchange['http_code'] ?? 0) . (is_string($exchange['curlErrors'] ?? null) && $exchange['curlErrors'] !== '' ? ', ' . $exchange['curlErrors'] : '') . ')'
            : ($answer['StatusCode'] ?? 'missing') . (isset($answer['Message']) ? ' (' . $answer['Message'] . ')' : '');
        throw new HttpError(502, 'kaspi_error', 'Kaspi StatusCode ' . $reason);
    }

    $data = $answer['Data'];
    $paymentId = $paymentMethod === 'qr' ? ($data['QrPaymentId'] ?? null) : ($data['PaymentId'] ?? null);
    $sent = $exchange['sentData'] ?? [];
    if (is_string($sent)) {
        $sent = json_decode($sent, true);
    }
    $organizationBin = is_array($sent) ? (string) ($sent['OrganizationBin'] ?? '') : '';
    // The create answer's timing (kaspi-qr-api.md): poll interval, scan/activation wait, confirmation wait.
    $behavior = $data['QrPaymentBehaviorOptions'] ?? $data['PaymentBehaviorOptions'] ?? [];
    $timing = [
        'KASPI_POLL_INTERVAL' => (int) ($behavior['StatusPollingInterval'] ?? 5),
        'KASPI_SCAN_TIMEOUT' => (int) ($behavior['QrCodeScanWaitTimeout'] ?? $behavior['LinkActivationWaitTimeout'] ?? 180),
        'KASPI_CONFIRM_TIMEOUT' => (int) ($behavior['PaymentConfirmationTimeout'] ?? 65),
    ];

    $properties->createItemByCode('KASPI_PAYMENT_ID', 'Kaspi payment id')->setValue((string) $paymentId);
    $properties->createItemByCode('KASPI_ORGANIZATION_BIN', 'Kaspi organization BIN')->setValue($organizationBin);
    $properties->createItemByCode('KASPI_QR_TOKEN', 'Kaspi QR token')->setValue((string) ($data['QrToken'] ?? ''));
    $properties->createItemByCode('KASPI_PAYMENT_LINK', 'Kaspi payment link')->setValue((string) ($data['PaymentLink'] ?? ''));
    $properties->createItemByCode('KASPI_EXPIRE_DATE', 'Kaspi expire date')->setValue((string) ($data['ExpireDate'] ?? ''));
    $properties->createItemByCode('KASPI_CREATED_AT', 'Kaspi purchase created (unix time)')->setValue((string) time());
    $properties->createItemByCode('KASPI_PAYMENT_STATUS', 'Kaspi payment status')->setValue('QrTokenCreated');
    foreach ($timing as $code => $value) {
        $properties->createItemByCode($code, $code)->setValue((string) $value);
    }
    $order->save();

    $payment = ['method' => $paymentMethod, 'qrPaymentId' => $paymentId];
    if ($paymentMethod === 'qr') {
        $payment['qrToken'] = $data['QrToken'] ?? null;
    } else {
        $payment['paymentLink'] = $data['PaymentLink'] ?? null;
    }
    $payment['expireDate'] = $data['ExpireDate'] ?? null;
    $payment['organizationBin'] = $organizationBin;
    $payment['pollingInterval'] = $timing['KASPI_POLL_INTERVAL'];
    return [
        'order' => ['id' => $order->getId(), 'accountNumber' => $accountNumber, 'shopId' => $shopId, 'price' => $order->getPrice()],
        'payment' => $payment,
    ];
}
