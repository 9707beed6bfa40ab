<?php
/** The cart (a cookie): add / remove / clear by POST, shown grouped by seller — one order per seller at checkout. */
declare(strict_types=1);

namespace Harness\Storefront;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/catalogue.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/storefront.php';

if (($_SERVER['REQUEST_METHOD'] ?? 'GET') === 'POST') {
    $cart = cartRead();
    $productId = (int) ($_POST['product_id'] ?? 0);
    switch ((string) ($_POST['action'] ?? '')) {
        case 'add':
            if ($productId > 0 && \Harness\Api\loadProducts([$productId]) !== []) {
                $cart[$productId] = min(1000, ($cart[$productId] ?? 0) + max(1, (int) ($_POST['quantity'] ?? 1)));
            }
            break;
        case 'remove':
            unset($cart[$productId]);
            break;
        case 'clear':
            $cart = [];
            break;
    }
    cartWrite($cart);
    redirect('/cart.php');
}

$cart = cartRead();
$products = \Harness\Api\loadProducts(array_keys($cart));
$names = sellerNames();
$bySeller = [];
foreach ($cart as $id => $quantity) {
    if (isset($products[$id])) {
        $bySeller[$products[$id]['shopId']][$id] = $quantity;
    }
}

pageStart('Корзина', array_sum($cart));
if ($bySeller === []) {
    echo '<p data-testid="cart-empty">Корзина пуста. <a href="/index.php">В каталог</a></p>';
    pageEnd();
    return;
}
$total = 0.0;
foreach ($bySeller as $shopId => $items) {
    echo '<section class="seller" data-testid="cart-seller-', $shopId, '"><h2>', h($names[$shopId] ?? ('Shop ' . $shopId)), '</h2>';
    foreach ($items as $id => $quantity) {
        $line = $products[$id]['price'] * $quantity;
        $total += $line;
        echo '<div class="product" data-testid="cart-item-', $id, '"><span>', h($products[$id]['name']), ' × ',
            '<span data-testid="cart-quantity">', $quantity, '</span></span><span>', money($line), '</span>',
            '<form method="post"><input type="hidden" name="action" value="remove"><input type="hidden" name="product_id" value="', $id, '">',
            '<button data-testid="remove-', $id, '">Удалить</button></form></div>';
    }
    echo '</section>';
}
echo '<p>Итого: <strong data-testid="cart-total" data-amount="', $total, '">', money($total), '</strong>';
if (count($bySeller) > 1) {
    echo ' <span data-testid="cart-split-note">(', count($bySeller), ' продавца: отдельный заказ и оплата для каждого)</span>';
}
echo '</p><p><a href="/checkout.php" data-testid="go-to-checkout">Оформить заказ</a></p>';
pageEnd();
