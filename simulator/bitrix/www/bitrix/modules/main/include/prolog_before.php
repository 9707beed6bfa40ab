<?php
/**
 * Stub of Bitrix's prolog_before.php: the entry point custom code requires before using the kernel.
 * Order as in Bitrix: constants, autoloader, dbconn.php, /local init.php (wins over /bitrix), site init.php.
 */
declare(strict_types=1);

if (defined('B_PROLOG_INCLUDED')) {
    return;
}

// CLI callers (the deployment guide's smoke test) may not set DOCUMENT_ROOT: derive it from this file.
if (empty($_SERVER['DOCUMENT_ROOT'])) {
    $_SERVER['DOCUMENT_ROOT'] = dirname(__DIR__, 4);
}
$_SERVER['DOCUMENT_ROOT'] = rtrim((string) $_SERVER['DOCUMENT_ROOT'], '/');

define('B_PROLOG_INCLUDED', true);
define('SITE_ID', 's1');
define('LANG', 's1');
define('LANGUAGE_ID', 'ru');
define('SITE_CHARSET', 'UTF-8');
define('BX_UTF', true);

require_once __DIR__ . '/../lib/loader.php';
\Bitrix\Main\Loader::registerKernelAutoloader();
require_once __DIR__ . '/../tools.php';
require_once __DIR__ . '/../classes/general/option.php';

// dbconn.php sets $DBHost, $DBLogin, $DBPassword, $DBName in the global scope, as on a real site.
// They are exported to $GLOBALS explicitly so that including the prolog from inside a function works too.
$bxDbconn = $_SERVER['DOCUMENT_ROOT'] . '/bitrix/php_interface/dbconn.php';
if (is_file($bxDbconn)) {
    require_once $bxDbconn;
    foreach (['DBType', 'DBHost', 'DBLogin', 'DBPassword', 'DBName', 'DBDebug'] as $bxDbVar) {
        if (isset($$bxDbVar)) {
            $GLOBALS[$bxDbVar] = $$bxDbVar;
        }
    }
    unset($bxDbVar);
}
unset($bxDbconn);

// How the real site autoloads Integration\* is not public. The harness registers it before init.php,
// so a team's own init.php (installed with --php-init) need not know about it.
\Bitrix\Main\Loader::registerNamespace('Integration', $_SERVER['DOCUMENT_ROOT'] . '/local/classes/Integration');

foreach (['/local/php_interface/init.php', '/bitrix/php_interface/init.php'] as $bxInit) {
    if (is_file($_SERVER['DOCUMENT_ROOT'] . $bxInit)) {
        require_once $_SERVER['DOCUMENT_ROOT'] . $bxInit;
        break;
    }
}
foreach (['/local/php_interface/' . SITE_ID . '/init.php', '/bitrix/php_interface/' . SITE_ID . '/init.php'] as $bxInit) {
    if (is_file($_SERVER['DOCUMENT_ROOT'] . $bxInit)) {
        require_once $_SERVER['DOCUMENT_ROOT'] . $bxInit;
        break;
    }
}
unset($bxInit);
