<?php
/**
 * Checkout: the customer's details and Kaspi QR or payment link. A cart that mixes sellers becomes
 * one order (and one Kaspi purchase, on that seller's BIN) per seller.
 */
declare(strict_types=1);

namespace Harness\Storefront;

use Bitrix\Main\Loader;
use Harness\Api\CheckoutRequest;
use Harness\Api\HttpError;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/http.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/catalogue.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/checkout-request.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/place-order.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/storefront.php';

$cart = cartRead();
$error = null;
$placed = [];
$form = ['name' => '', 'phone' => '', 'email' => '', 'paymentMethod' => 'qr'];

if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST' && $cart !== []) {
    foreach (array_keys($form) as $field) {
        $form[$field] = is_string($_POST[$field] ?? null) ? $_POST[$field] : $form[$field];
    }
    try {
        Loader::requireModule('sale');
        $items = array_map(static fn (int $id, int $q): array => ['productId' => $id, 'quantity' => $q], array_keys($cart), $cart);
        $request = CheckoutRequest::fromBody([
            'items' => $items,
            'customer' => ['name' => $form['name'], 'phone' => $form['phone'], 'email' => $form['email']],
            'paymentMethod' => $form['paymentMethod'],
        ]);
        $products = \Harness\Api\loadProducts(array_keys($request->quantities));
        $bySeller = [];
        foreach ($request->quantities as $id => $quantity) {
            if (isset($products[$id])) {
                $bySeller[$products[$id]['shopId']][$id] = $quantity;
            }
        }
        foreach ($bySeller as $shopId => $quantities) {
            $placed[] = \Harness\Api\placeOrder($quantities, $request->customer, $request->paymentMethod, $products);
            // What is ordered leaves the cart, so a later failure for another seller can be retried alone.
            $cart = array_diff_key($cart, $quantities);
        }
        cartWrite($cart);
        if (count($placed) === 1) {
            redirect('/order.php?id=' . $placed[0]['order']['id']);
        }
    } catch (HttpError $e) {
        $error = $e->getMessage();
    } catch (\Throwable $e) {
        error_log('[checkout page] ' . $e::class . ': ' . $e->getMessage());
        $error = 'Internal error';
    }
    if ($error !== null && $placed !== []) {
        cartWrite($cart);
    }
}

pageStart('Оформление заказа', array_sum($cart));
if ($error !== null) {
    echo '<p class="error" data-testid="checkout-error">', h($error), '</p>';
}
if ($placed !== []) {
    echo '<ul data-testid="placed-orders">';
    foreach ($placed as $result) {
        $id = $result['order']['id'];
        echo '<li><a href="/order.php?id=', $id, '" data-testid="order-link-', $id, '">Заказ №', h($result['order']['accountNumber']),
            '</a> — ', money($result['order']['price']), '</li>';
    }
    echo '</ul>';
}
if ($cart === []) {
    echo $placed === [] ? '<p data-testid="cart-empty">Корзина пуста. <a href="/index.php">В каталог</a></p>' : '';
    pageEnd();
    return;
}
echo '<form method="post" data-testid="checkout-form">',
    '<p><label>Имя <input name="name" required data-testid="checkout-name" value="', h($form['name']), '"></label></p>',
    '<p><label>Телефон <input name="phone" required data-testid="checkout-phone" value="', h($form['phone']), '"></label></p>',
    '<p><label>E-mail <input name="email" type="email" data-testid="checkout-email" value="', h($form['email']), '"></label></p>',
    '<p><label><input type="radio" name="paymentMethod" value="qr" data-testid="pay-qr"', $form['paymentMethod'] === 'qr' ? ' checked' : '', '> Kaspi QR</label> ',
    '<label><input type="radio" name="paymentMethod" value="link" data-testid="pay-link"', $form['paymentMethod'] === 'link' ? ' checked' : '', '> Ссылка на оплату</label> ',
    '<label><input type="radio" name="paymentMethod" value="remote" data-testid="pay-remote"', $form['paymentMethod'] === 'remote' ? ' checked' : '', '> Счёт в Kaspi.kz на номер телефона</label></p>',
    '<button type="submit" data-testid="place-order">Оплатить</button></form>';
pageEnd();
