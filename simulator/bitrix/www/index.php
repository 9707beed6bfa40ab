<?php
/** The catalogue: every seller's products, each with "add to cart" (the cart may mix sellers). */
declare(strict_types=1);

namespace Harness\Storefront;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/catalogue.php';
require_once $_SERVER['DOCUMENT_ROOT'] . '/local/api/lib/storefront.php';

$bySeller = [];
foreach (\Harness\Api\loadProducts() as $product) {
    $bySeller[$product['shopId']][] = $product;
}
$names = sellerNames();

pageStart('Каталог', array_sum(cartRead()));
foreach ($bySeller as $shopId => $products) {
    echo '<section class="seller" data-testid="seller-', $shopId, '"><h2>', h($names[$shopId] ?? ('Shop ' . $shopId)), '</h2>';
    foreach ($products as $product) {
        echo '<div class="product" data-testid="product-', $product['id'], '" data-shop-id="', $shopId, '">',
            '<span data-testid="product-name">', h($product['name']), '</span>',
            '<span data-testid="product-price">', money($product['price']), '</span>',
            '<form method="post" action="/cart.php"><input type="hidden" name="action" value="add">',
            '<input type="hidden" name="product_id" value="', $product['id'], '">',
            '<button type="submit" data-testid="add-to-cart-', $product['id'], '">В корзину</button></form></div>';
    }
    echo '</section>';
}
pageEnd();
