<?php
/**
 * POST /local/api/checkout.php — places an order for one seller's products and creates the Kaspi
 * purchase through the site's integration (local/classes/Integration/Kaspi/ApiClient.php).
 * The seller is the SHOP of the ordered products, never anything the browser sends.
 *
 * 200 { ok: true, order: { id, accountNumber, shopId, price },
 *       payment: { method, qrPaymentId, qrToken?, paymentLink?, expireDate, organizationBin } }
 * 4xx/5xx { ok: false, error: { code, message } }
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Loader;
use Bitrix\Sale\Basket;
use Bitrix\Sale\Order;
use Integration\Kaspi\ApiClient;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/catalogue.php';
require_once __DIR__ . '/lib/checkout-request.php';

run(static function (): void {
    requireMethod('POST');
    $request = CheckoutRequest::fromBody(jsonBody());
    Loader::requireModule('sale');

    $products = loadProducts(array_keys($request->quantities));
    $unknown = array_diff(array_keys($request->quantities), array_keys($products));
    if ($unknown !== []) {
        throw new HttpError(422, 'unknown_product', 'unknown product id(s): ' . implode(', ', $unknown));
    }
    $shopIds = array_values(array_unique(array_map(static fn (array $p): int => $p['shopId'], $products)));
    if (count($shopIds) !== 1) {
        throw new HttpError(422, 'mixed_sellers', 'all items must belong to one seller; got shops ' . implode(', ', $shopIds));
    }
    $shopId = $shopIds[0];
    if ($shopId <= 0) {
        throw new HttpError(422, 'product_without_seller', 'the products have no SHOP');
    }

    $order = Order::create(SITE_ID, null, 'KZT');
    $basket = Basket::create(SITE_ID);
    foreach ($request->quantities as $productId => $quantity) {
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
    $properties->createItemByCode('FIO', 'Name')->setValue($request->customer['name']);
    $properties->createItemByCode('PHONE', 'Phone')->setValue($request->customer['phone']);
    $properties->createItemByCode('EMAIL', 'E-mail')->setValue($request->customer['email']);
    $properties->createItemByCode('KASPI_PAYMENT_METHOD', 'Kaspi payment method')->setValue($request->paymentMethod);
    $order->save();
    $accountNumber = (string) $order->getField('ACCOUNT_NUMBER');

    $kaspiFields = ['Amount' => $order->getPrice(), 'ExternalId' => $accountNumber];
    try {
        $client = new ApiClient();
        $exchange = $request->paymentMethod === 'qr'
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
    $paymentId = $request->paymentMethod === 'qr' ? ($data['QrPaymentId'] ?? null) : ($data['PaymentId'] ?? null);
    $sent = $exchange['sentData'] ?? [];
    if (is_string($sent)) {
        $sent = json_decode($sent, true);
    }
    $organizationBin = is_array($sent) ? (string) ($sent['OrganizationBin'] ?? '') : '';

    $properties->createItemByCode('KASPI_PAYMENT_ID', 'Kaspi payment id')->setValue((string) $paymentId);
    $properties->createItemByCode('KASPI_ORGANIZATION_BIN', 'Kaspi organization BIN')->setValue($organizationBin);
    $order->save();

    $payment = ['method' => $request->paymentMethod, 'qrPaymentId' => $paymentId];
    if ($request->paymentMethod === 'qr') {
        $payment['qrToken'] = $data['QrToken'] ?? null;
    } else {
        $payment['paymentLink'] = $data['PaymentLink'] ?? null;
    }
    $payment['expireDate'] = $data['ExpireDate'] ?? null;
    $payment['organizationBin'] = $organizationBin;
    respond(200, [
        'ok' => true,
        'order' => ['id' => $order->getId(), 'accountNumber' => $accountNumber, 'shopId' => $shopId, 'price' => $order->getPrice()],
        'payment' => $payment,
    ]);
});
