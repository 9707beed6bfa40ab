<?php
/**
 * GET /local/api/health.php — the site's view of the payment-service, through the team's
 * `PaymentService\Client::healthCheck()` (a monitoring page or cron would call it so).
 * 200 { ok: true, paymentService: { healthy: bool } }; a class without healthCheck() → 501 not_implemented.
 */
declare(strict_types=1);

namespace Harness\Api;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/integration.php';

run(static function (): void {
    requireMethod('GET');
    $healthy = callIntegration(paymentServiceClient(), 'healthCheck', []);
    respond(200, ['ok' => true, 'paymentService' => ['healthy' => $healthy === true]]);
});
