<?php
/**
 * GET /local/api/order-status.php?id=N — polls Kaspi for the order's purchase and updates the order
 * (lib/payment-status.php). The order page calls it every StatusPollingInterval seconds.
 * 200 { ok: true, order: { id, accountNumber, payed, statusId, display: Pending|Paid|Failed|Expired,
 *       kaspiStatus, pollingInterval, final, webhook } }
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Loader;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/payment-status.php';

run(static function (): void {
    requireMethod('GET');
    $id = filter_var($_GET['id'] ?? null, FILTER_VALIDATE_INT, ['options' => ['min_range' => 1]]);
    if ($id === false) {
        throw new HttpError(400, 'invalid_id', 'id must be a positive integer');
    }
    Loader::requireModule('sale');
    respond(200, ['ok' => true, 'order' => refreshPaymentStatus($id)]);
});
