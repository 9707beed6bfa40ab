<?php
declare(strict_types=1);

namespace Bitrix\Main\DB;

/** The part of Bitrix's SqlHelper that custom code uses: escaping and quoting. */
final class SqlHelper
{
    public function __construct(private readonly MysqliConnection $connection)
    {
    }

    public function forSql($value, $maxLength = 0): string
    {
        $value = (string) $value;
        if ($maxLength > 0) {
            $value = mb_substr($value, 0, (int) $maxLength);
        }
        return $this->connection->escape($value);
    }

    public function quote($identifier): string
    {
        return '`' . str_replace('`', '``', (string) $identifier) . '`';
    }
}
