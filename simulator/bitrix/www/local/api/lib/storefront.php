<?php
/**
 * Plumbing of the storefront pages (index, cart, checkout, order): the cart in a cookie (it may mix
 * sellers), HTML escaping, the page frame, and the sellers' names from the shops iblock.
 */
declare(strict_types=1);

namespace Harness\Storefront;

use Bitrix\Main\Application;

const CART_COOKIE = 'kh_cart';

/** @return array<int, int> product id => quantity */
function cartRead(): array
{
    $raw = json_decode((string) ($_COOKIE[CART_COOKIE] ?? ''), true);
    $cart = [];
    foreach (is_array($raw) ? $raw : [] as $id => $quantity) {
        if (is_numeric($id) && (int) $id > 0 && is_int($quantity) && $quantity > 0 && $quantity <= 1000) {
            $cart[(int) $id] = $quantity;
        }
    }
    return array_slice($cart, 0, 50, true);
}

/** @param array<int, int> $cart */
function cartWrite(array $cart): void
{
    $value = $cart === [] ? '' : json_encode($cart, JSON_FORCE_OBJECT);
    setcookie(CART_COOKIE, (string) $value, ['expires' => $cart === [] ? 1 : 0, 'path' => '/', 'httponly' => true, 'samesite' => 'Lax']);
    $_COOKIE[CART_COOKIE] = (string) $value;
}

function h(mixed $value): string
{
    return htmlspecialchars((string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

function money(float $amount): string
{
    return number_format($amount, 0, '.', ' ') . ' ₸';
}

/** @return array<int, string> shop id => seller name */
function sellerNames(): array
{
    $rows = Application::getConnection()->query(
        "SELECT e.ID, e.NAME FROM b_iblock_element e JOIN b_iblock ib ON ib.ID = e.IBLOCK_ID AND ib.CODE = 'shops' ORDER BY e.ID"
    );
    $names = [];
    while ($row = $rows->fetch()) {
        $names[(int) $row['ID']] = (string) $row['NAME'];
    }
    return $names;
}

function pageStart(string $title, int $cartCount): void
{
    header('Content-Type: text/html; charset=utf-8');
    header('Cache-Control: no-store');
    echo '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>', h($title), ' — Cvety</title>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:1rem auto;padding:0 1rem}',
        'nav a{margin-right:1rem}.seller{border:1px solid #ddd;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}',
        '.product{display:flex;justify-content:space-between;align-items:center;padding:.25rem 0}',
        '.error{color:#b00020}.status{font-weight:bold;font-size:1.4rem}</style></head><body>',
        '<nav><a href="/index.php" data-testid="nav-catalogue">Каталог</a>',
        '<a href="/cart.php" data-testid="nav-cart">Корзина (<span data-testid="cart-count">', $cartCount, '</span>)</a></nav>',
        '<h1>', h($title), '</h1>';
}

function pageEnd(): void
{
    echo '</body></html>';
}

/** 303 to a local path (never to a URL the browser supplied). */
function redirect(string $path): never
{
    header('Location: ' . (str_starts_with($path, '/') && !str_starts_with($path, '//') ? $path : '/index.php'), true, 303);
    exit;
}
