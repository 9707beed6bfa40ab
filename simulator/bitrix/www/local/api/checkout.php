<?php
/**
 * POST /local/api/checkout.php — places an order for one seller's products and creates the Kaspi
 * purchase (lib/place-order.php).
 *
 * 200 { ok: true, order: { id, accountNumber, shopId, price },
 *       payment: { method, qrPaymentId, qrToken?, paymentLink?, expireDate, organizationBin, pollingInterval } }
 * 4xx/5xx { ok: false, error: { code, message } }
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Loader;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/catalogue.php';
require_once __DIR__ . '/lib/checkout-request.php';
require_once __DIR__ . '/lib/place-order.php';

run(static function (): void {
    requireMethod('POST');
    $request = CheckoutRequest::fromBody(jsonBody());
    Loader::requireModule('sale');

    $products = loadProducts(array_keys($request->quantities));
    $unknown = array_diff(array_keys($request->quantities), array_keys($products));
    if ($unknown !== []) {
        throw new HttpError(422, 'unknown_product', 'unknown product id(s): ' . implode(', ', $unknown));
    }
    respond(200, ['ok' => true] + placeOrder($request->quantities, $request->customer, $request->paymentMethod, $products, $request->callShape));
});
