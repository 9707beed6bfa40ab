<?php
/**
 * GET /local/api/order.php?id=N →
 * { ok: true, order: { id, accountNumber, price, payed: 'Y'|'N', statusId, properties: { CODE: VALUE } } }
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Loader;
use Bitrix\Sale\Order;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';

run(static function (): void {
    requireMethod('GET');
    $id = filter_var($_GET['id'] ?? null, FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
    if ($id === false) {
        throw new HttpError(400, 'invalid_id', 'id must be a positive integer');
    }
    Loader::requireModule('sale');
    $order = Order::load($id);
    if ($order === null) {
        throw new HttpError(404, 'order_not_found', 'no order ' . $id);
    }
    respond(200, ['ok' => true, 'order' => [
        'id' => $order->getId(),
        'accountNumber' => (string) $order->getField('ACCOUNT_NUMBER'),
        'price' => $order->getPrice(),
        'payed' => $order->isPaid() ? 'Y' : 'N',
        'statusId' => (string) $order->getField('STATUS_ID'),
        'properties' => (object) $order->getPropertyCollection()->getArray(),
    ]]);
});
