<?php
/**
 * The legacy option API (COption), still common in third-party integration code; a thin layer over
 * Bitrix\Main\Config\Option as in Bitrix itself, so both see the same values and caches.
 */
declare(strict_types=1);

use Bitrix\Main\Config\Option;

class COption
{
    public static function GetOptionString($moduleId, $name, $default = '', $siteId = false, $existOnly = false)
    {
        if ($existOnly) {
            return Option::getRealValue($moduleId, $name, $siteId);
        }
        return Option::get($moduleId, $name, $default, $siteId);
    }

    public static function SetOptionString($moduleId, $name, $value = '', $desc = false, $siteId = ''): bool
    {
        Option::set($moduleId, $name, $value, $siteId);
        return true;
    }

    public static function GetOptionInt($moduleId, $name, $default = 0, $siteId = false): int
    {
        return (int) Option::get($moduleId, $name, (string) $default, $siteId);
    }

    public static function RemoveOption($moduleId, $name = '', $siteId = false): void
    {
        $filter = [];
        if ($name !== '') {
            $filter['name'] = $name;
        }
        if ($siteId !== false && $siteId !== '') {
            $filter['site_id'] = $siteId;
        }
        Option::delete($moduleId, $filter);
    }
}
