<?php
/**
 * The order page (the guide's Phase 4): the Kaspi QR (drawn from QrToken) or the payment link, and
 * the payment status, polled every StatusPollingInterval seconds: Pending → Paid / Failed / Expired.
 * A remote invoice's status is asked only when the customer presses "check payment": Kaspi forbids
 * polling remote invoices on a timer.
 */
declare(strict_types=1);

namespace Harness\Storefront;

use Bitrix\Main\Loader;
use Bitrix\Sale\Order;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/http.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/payment-status.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/storefront.php';

Loader::requireModule('sale');
$id = filter_var($_GET['id'] ?? null, FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
$order = $id === false ? null : Order::load($id);
if ($order === null) {
    http_response_code(404);
    pageStart('Заказ не найден', array_sum(cartRead()));
    echo '<p data-testid="order-not-found">Нет такого заказа.</p>';
    pageEnd();
    return;
}
$state = \Harness\Api\refreshPaymentStatus($order->getId());
$props = Order::load($order->getId())->getPropertyCollection()->getArray();

pageStart('Заказ №' . $state['accountNumber'], array_sum(cartRead()));
$shopId = (int) ($props['SHOP_ID'] ?? 0);
$remote = ($props['KASPI_PAYMENT_METHOD'] ?? '') === 'remote';
echo '<p>Продавец: <span data-testid="order-seller" data-shop-id="', $shopId, '">', h(sellerNames()[$shopId] ?? ('Shop ' . $shopId)), '</span></p>',
    '<p>Сумма: <strong data-testid="order-amount">', money($order->getPrice()), '</strong></p>',
    '<p>Kaspi: <span data-testid="kaspi-payment-id">', h($props['KASPI_PAYMENT_ID'] ?? ''), '</span>, БИН получателя ',
    '<span data-testid="organization-bin">', h($props['KASPI_ORGANIZATION_BIN'] ?? ''), '</span></p>',
    '<p>Статус: <span class="status" data-testid="order-status" data-order-id="', $state['id'], '" data-status-id="', h($state['statusId']),
    '" data-payed="', $state['payed'], '" data-kaspi-status="', h($state['kaspiStatus']), '" data-final="', $state['final'] ? 'true' : 'false',
    '" data-polling-interval="', $state['pollingInterval'], '" data-check="', $remote ? 'on-request' : 'poll', '">', h($state['display']), '</span></p>';
if (!$state['final']) {
    if (($props['KASPI_QR_TOKEN'] ?? '') !== '') {
        echo '<p>Отсканируйте QR в приложении Kaspi.kz</p><div data-testid="qr-image" data-qr-token="', h($props['KASPI_QR_TOKEN']), '" style="width:240px"></div>';
    } elseif (($props['KASPI_PAYMENT_LINK'] ?? '') !== '') {
        echo '<p><a data-testid="payment-link" href="', h($props['KASPI_PAYMENT_LINK']), '" target="_blank" rel="noopener">Оплатить в Kaspi.kz</a></p>';
    } elseif ($remote) {
        echo '<p data-testid="remote-invoice">Счёт отправлен в приложение Kaspi.kz на номер ', h($props['PHONE'] ?? ''), '.</p>',
            '<p><button type="button" data-testid="check-payment">Проверить оплату</button></p>';
    }
}
echo '<script src="/local/js/qrcode.js"></script><script src="/local/js/order-status.js"></script>';
pageEnd();
