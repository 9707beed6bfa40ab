<?php
declare(strict_types=1);

namespace Bitrix\Main;

use Bitrix\Main\Data\ManagedCache;
use Bitrix\Main\DB\MysqliConnection;

/**
 * The per-request application object: the database connection from dbconn.php and the managed cache.
 */
final class Application
{
    private static ?self $instance = null;
    private ?MysqliConnection $connection = null;
    private ?ManagedCache $managedCache = null;

    public static function getInstance(): self
    {
        return self::$instance ??= new self();
    }

    public static function getDocumentRoot(): string
    {
        return Loader::getDocumentRoot();
    }

    public static function getConnection($name = ''): MysqliConnection
    {
        $app = self::getInstance();
        if ($app->connection === null) {
            // The variables dbconn.php defines in the global scope, as Bitrix reads them.
            $app->connection = new MysqliConnection(
                (string) ($GLOBALS['DBHost'] ?? '127.0.0.1'),
                (string) ($GLOBALS['DBLogin'] ?? ''),
                (string) ($GLOBALS['DBPassword'] ?? ''),
                (string) ($GLOBALS['DBName'] ?? ''),
            );
        }
        return $app->connection;
    }

    public function getManagedCache(): ManagedCache
    {
        return $this->managedCache ??= new ManagedCache();
    }
}
