<?php
declare(strict_types=1);

namespace Bitrix\Main\Data;

/**
 * Bitrix's managed cache (b_option and other kernel tables cache themselves here): read() loads an
 * entry into memory for the request, set() stores it with the TTL given to read(), clean() drops it.
 * Files live under DOCUMENT_ROOT/bitrix/managed_cache/MYSQL/<table>/.
 */
class ManagedCache
{
    /** @var array<string, mixed> */
    private array $values = [];
    /** @var array<string, array{ttl: int, table: string|false}> */
    private array $reads = [];

    private static function initDir($table): string
    {
        return 'MYSQL' . ($table !== false && $table !== null && $table !== '' ? '/' . $table : '');
    }

    public function read($ttl, $id, $table = false): bool
    {
        $id = (string) $id;
        if (array_key_exists($id, $this->values)) {
            return true;
        }
        $this->reads[$id] = ['ttl' => (int) $ttl, 'table' => $table];
        $cache = Cache::createInstance();
        if ($cache->initCache((int) $ttl, $id, self::initDir($table), 'managed_cache')) {
            $this->values[$id] = $cache->getVars();
            return true;
        }
        return false;
    }

    public function get($id): mixed
    {
        return $this->values[(string) $id] ?? false;
    }

    public function getImmediate($ttl, $id, $table = false): mixed
    {
        return $this->read($ttl, $id, $table) ? $this->get($id) : false;
    }

    public function set($id, $value): void
    {
        $id = (string) $id;
        $read = $this->reads[$id] ?? ['ttl' => 3600, 'table' => false];
        $this->values[$id] = $value;
        $cache = Cache::createInstance();
        $cache->initCache($read['ttl'], $id, self::initDir($read['table']), 'managed_cache');
        if ($cache->startDataCache()) {
            $cache->endDataCache($value);
        }
    }

    public function setImmediate($id, $value): void
    {
        $this->set($id, $value);
    }

    public function clean($id, $table = false): void
    {
        $id = (string) $id;
        unset($this->values[$id]);
        Cache::createInstance()->clean($id, self::initDir($table ?: ($this->reads[$id]['table'] ?? false)), 'managed_cache');
    }

    public function cleanDir($table): void
    {
        $this->values = [];
        Cache::createInstance()->cleanDir(self::initDir($table), 'managed_cache');
    }

    public function cleanAll(): void
    {
        $this->values = [];
        Cache::createInstance()->cleanDir(false, 'managed_cache');
    }
}
