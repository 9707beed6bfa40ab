<?php
/** GET /local/api/catalogue.php → { products: [{ id, shopId, name, price }] } */
declare(strict_types=1);

namespace Harness\Api;

require_once $_SERVER['DOCUMENT_ROOT'] . '/bitrix/modules/main/include/prolog_before.php';
require_once __DIR__ . '/lib/http.php';
require_once __DIR__ . '/lib/catalogue.php';

run(static function (): void {
    requireMethod('GET');
    respond(200, ['products' => array_values(loadProducts())]);
});
