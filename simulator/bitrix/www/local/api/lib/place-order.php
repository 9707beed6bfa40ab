<?php
/**
 * Places one seller's order and creates its Kaspi purchase through the site's integration
 * (local/classes/Integration/Kaspi/ApiClient.php — ours or the team's): a QR, a payment link, or a
 * remote invoice to the customer's phone (client info first, then the invoice). Shared by the JSON
 * checkout endpoint and the storefront's checkout page. The seller is the SHOP of the products, never
 * anything the browser sends; lib/integration.php says how the class is called (`$callShape`).
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Sale\Basket;
use Bitrix\Sale\Order;
use Integration\Kaspi\ApiClient;

require_once __DIR__ . '/integration.php';

/** A remote invoice may be paid within 24 hours (kaspi-qr-api.md). */
const REMOTE_INVOICE_SECONDS = 86400;

/**
 * @param array<int, int> $quantities product id => quantity, all of one seller
 * @param array{name: string, phone: string, email: string} $customer
 * @param array<int, array{id: int, shopId: int, name: string, price: float}> $products loaded products
 * @param 'qr'|'link'|'remote' $paymentMethod
 * @param 'with-shop-id'|'order-context' $callShape
 * @return array{order: array{id: int, accountNumber: string, shopId: int, price: float}, payment: array<string, mixed>}
 */
function placeOrder(array $quantities, array $customer, string $paymentMethod, array $products, string $callShape = 'with-shop-id'): array
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

    $extra = ['order' => ['id' => $order->getId(), 'accountNumber' => $accountNumber, 'shopId' => $shopId]];
    $client = apiClient($extra);
    if ($paymentMethod === 'remote') {
        [$data, $organizationBin] = createRemoteInvoice($client, $order, $shopId, $customer['phone'], $callShape, $extra);
    } else {
        $exchange = callForOrder(
            $client,
            $paymentMethod === 'qr' ? 'getCreteQr' : 'createLink',
            ['Amount' => $order->getPrice(), 'ExternalId' => $accountNumber],
            $order,
            $shopId,
            $callShape,
            $extra,
        );
        $data = kaspiData($exchange, $extra);
        $organizationBin = sentOrganizationBin($exchange);
    }
    $paymentId = $paymentMethod === 'link' ? ($data['PaymentId'] ?? null) : ($data['QrPaymentId'] ?? null);
    // The create answer's timing (kaspi-qr-api.md): poll interval, scan/activation wait, confirmation
    // wait. A remote invoice has none: the customer has a day, and its status is asked on a user event.
    $behavior = $data['QrPaymentBehaviorOptions'] ?? $data['PaymentBehaviorOptions'] ?? [];
    $timing = [
        'KASPI_POLL_INTERVAL' => (int) ($behavior['StatusPollingInterval'] ?? 5),
        'KASPI_SCAN_TIMEOUT' => $paymentMethod === 'remote'
            ? REMOTE_INVOICE_SECONDS
            : (int) ($behavior['QrCodeScanWaitTimeout'] ?? $behavior['LinkActivationWaitTimeout'] ?? 180),
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
    } elseif ($paymentMethod === 'link') {
        $payment['paymentLink'] = $data['PaymentLink'] ?? null;
    } else {
        $payment['clientName'] = $data['ClientName'] ?? null;
    }
    $payment['expireDate'] = $data['ExpireDate'] ?? null;
    $payment['organizationBin'] = $organizationBin;
    $payment['pollingInterval'] = $timing['KASPI_POLL_INTERVAL'];
    return [
        'order' => ['id' => $order->getId(), 'accountNumber' => $accountNumber, 'shopId' => $shopId, 'price' => $order->getPrice()],
        'payment' => $payment,
    ];
}

/**
 * A remote invoice as the site sends it: the customer is looked up by phone (`remoteClientInfo`),
 * then invoiced (`createRemotePay`), both on the seller's device.
 *
 * @param array<string, mixed> $extra
 * @return array{0: array<string, mixed>, 1: string} Kaspi's `Data` of the invoice (with the client's
 *   name added) and the OrganizationBin the class sent
 */
function createRemoteInvoice(ApiClient $client, Order $order, int $shopId, string $phone, string $callShape, array $extra): array
{
    $clientInfo = callForOrder($client, 'remoteClientInfo', ['phoneNumber' => $phone], $order, $shopId, $callShape, $extra);
    $clientName = (string) (kaspiData($clientInfo, $extra)['ClientName'] ?? '');
    $exchange = callForOrder(
        $client,
        'createRemotePay',
        [
            'Amount' => $order->getPrice(),
            'PhoneNumber' => $phone,
            'Comment' => 'Заказ №' . $order->getField('ACCOUNT_NUMBER'),
        ],
        $order,
        $shopId,
        $callShape,
        $extra,
    );
    $data = kaspiData($exchange, $extra);
    return [$data + ['ClientName' => $clientName], sentOrganizationBin($exchange)];
}
