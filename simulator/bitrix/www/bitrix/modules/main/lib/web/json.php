<?php
declare(strict_types=1);

namespace Bitrix\Main\Web;

use Bitrix\Main\ArgumentException;

/** Bitrix's JSON helper: decode always returns associative arrays; both directions throw ArgumentException. */
final class Json
{
    public const DEFAULT_OPTIONS = JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_UNESCAPED_UNICODE;

    public static function encode($data, $options = null): string
    {
        try {
            return json_encode($data, ($options ?? self::DEFAULT_OPTIONS) | JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ArgumentException('JSON encoding error: ' . $e->getMessage(), 'data', $e);
        }
    }

    public static function decode($data): mixed
    {
        try {
            return json_decode((string) $data, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            throw new ArgumentException('JSON decoding error: ' . $e->getMessage(), 'data', $e);
        }
    }
}
