<?php
/**
 * Site init: makes the custom classes under local/classes autoloadable, so
 * `new \Integration\PaymentService\Client()` works right after prolog_before.php (the guide's smoke test).
 */
declare(strict_types=1);

\Bitrix\Main\Loader::registerNamespace('Integration', $_SERVER['DOCUMENT_ROOT'] . '/local/classes/Integration');
