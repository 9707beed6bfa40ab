<?php
declare(strict_types=1);

namespace Bitrix\Main\Config;

use Bitrix\Main\Application;
use Bitrix\Main\ArgumentNullException;
use Bitrix\Main\Loader;

/**
 * Module options over b_option / b_option_site, with Bitrix's semantics:
 * - get() always returns a string (so `Option::get(...) ?? 'x'` never reaches 'x');
 * - a per-site value wins over the global one; with an empty $default, default_option.php is consulted;
 * - values are cached per request (static) and in the managed cache ("b_option:<module>", TTL 3600 s),
 *   so a row written straight to MySQL stays invisible until the cache is cleared or expires;
 * - set() and delete() write the row and clear both caches.
 */
class Option
{
    public const CACHE_DIR = 'b_option';
    public const CACHE_TTL = 3600;

    /** @var array<string, array<string, array<string, string>>> module => site ('-' = global) => name => value */
    protected static array $options = [];
    /** @var array<string, array<string, mixed>> */
    protected static array $defaults = [];

    public static function get($moduleId, $name, $default = '', $siteId = false): string
    {
        $moduleId = (string) $moduleId;
        $name = (string) $name;
        if ($moduleId === '') {
            throw new ArgumentNullException('moduleId');
        }
        if ($name === '') {
            throw new ArgumentNullException('name');
        }
        $siteId = $siteId === false ? (defined('SITE_ID') ? SITE_ID : '') : (string) $siteId;
        $values = static::load($moduleId);
        if ($siteId !== '' && isset($values[$siteId][$name])) {
            return $values[$siteId][$name];
        }
        if (isset($values['-'][$name])) {
            return $values['-'][$name];
        }
        if ($default == '') {
            $defaults = static::getDefaults($moduleId);
            if (isset($defaults[$name])) {
                return (string) $defaults[$name];
            }
        }
        return (string) $default;
    }

    public static function getRealValue($moduleId, $name, $siteId = false): ?string
    {
        $values = static::load((string) $moduleId);
        $site = $siteId === false || $siteId === null || $siteId === '' ? '-' : (string) $siteId;
        return $values[$site][(string) $name] ?? null;
    }

    /** @return array<string, mixed> the module's default_option.php array (/local before /bitrix) */
    public static function getDefaults($moduleId): array
    {
        $moduleId = (string) $moduleId;
        if (!isset(static::$defaults[$moduleId])) {
            static::$defaults[$moduleId] = [];
            if (preg_match('/^[a-z0-9_.]+$/i', $moduleId)) {
                $file = Loader::getLocal('modules/' . $moduleId . '/default_option.php');
                if ($file !== false) {
                    $variable = str_replace('.', '_', $moduleId) . '_default_option';
                    $defaults = (static function (string $__file, string $__variable): mixed {
                        include $__file;
                        return ${$__variable} ?? null;
                    })($file, $variable);
                    static::$defaults[$moduleId] = is_array($defaults) ? $defaults : [];
                }
            }
        }
        return static::$defaults[$moduleId];
    }

    public static function set($moduleId, $name, $value = '', $siteId = ''): void
    {
        $moduleId = (string) $moduleId;
        $name = (string) $name;
        if ($moduleId === '') {
            throw new ArgumentNullException('moduleId');
        }
        if ($name === '') {
            throw new ArgumentNullException('name');
        }
        $siteId = $siteId === false || $siteId === null ? '' : (string) $siteId;
        $db = Application::getConnection();
        $m = $db->escape($moduleId);
        $n = $db->escape($name);
        $v = $db->escape((string) $value);
        if ($siteId === '') {
            $db->queryExecute("INSERT INTO b_option (MODULE_ID, NAME, VALUE) VALUES ('$m', '$n', '$v') ON DUPLICATE KEY UPDATE VALUE = '$v'");
        } else {
            $s = $db->escape($siteId);
            $db->queryExecute("INSERT INTO b_option_site (MODULE_ID, NAME, SITE_ID, VALUE) VALUES ('$m', '$n', '$s', '$v') ON DUPLICATE KEY UPDATE VALUE = '$v'");
        }
        static::clearCache($moduleId);
    }

    /** @param array{name?: string, site_id?: string} $filter */
    public static function delete($moduleId, array $filter = []): void
    {
        $moduleId = (string) $moduleId;
        if ($moduleId === '') {
            throw new ArgumentNullException('moduleId');
        }
        $db = Application::getConnection();
        $where = "MODULE_ID = '" . $db->escape($moduleId) . "'";
        if (isset($filter['name']) && (string) $filter['name'] !== '') {
            $where .= " AND NAME = '" . $db->escape((string) $filter['name']) . "'";
        } elseif ($moduleId === 'main') {
            throw new ArgumentNullException('filter[name]');
        }
        if (isset($filter['site_id']) && (string) $filter['site_id'] !== '') {
            $db->queryExecute("DELETE FROM b_option_site WHERE $where AND SITE_ID = '" . $db->escape((string) $filter['site_id']) . "'");
        } else {
            $db->queryExecute("DELETE FROM b_option WHERE $where");
            $db->queryExecute("DELETE FROM b_option_site WHERE $where");
        }
        static::clearCache($moduleId);
    }

    protected static function clearCache(string $moduleId): void
    {
        unset(static::$options[$moduleId]);
        Application::getInstance()->getManagedCache()->clean('b_option:' . $moduleId, self::CACHE_DIR);
    }

    /** @return array<string, array<string, string>> */
    protected static function load(string $moduleId): array
    {
        if (isset(static::$options[$moduleId])) {
            return static::$options[$moduleId];
        }
        $cache = Application::getInstance()->getManagedCache();
        $cacheId = 'b_option:' . $moduleId;
        if ($cache->read(self::CACHE_TTL, $cacheId, self::CACHE_DIR)) {
            $values = $cache->get($cacheId);
            if (is_array($values)) {
                return static::$options[$moduleId] = $values;
            }
        }
        $db = Application::getConnection();
        $m = $db->escape($moduleId);
        $values = ['-' => []];
        $rows = $db->query("SELECT NAME, VALUE FROM b_option WHERE MODULE_ID = '$m'");
        while ($row = $rows->fetch()) {
            $values['-'][(string) $row['NAME']] = (string) $row['VALUE'];
        }
        $rows = $db->query("SELECT NAME, SITE_ID, VALUE FROM b_option_site WHERE MODULE_ID = '$m'");
        while ($row = $rows->fetch()) {
            $values[(string) $row['SITE_ID']][(string) $row['NAME']] = (string) $row['VALUE'];
        }
        $cache->set($cacheId, $values);
        return static::$options[$moduleId] = $values;
    }
}
