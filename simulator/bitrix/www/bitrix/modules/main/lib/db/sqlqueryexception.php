<?php
declare(strict_types=1);

namespace Bitrix\Main\DB;

use Bitrix\Main\SystemException;

class SqlQueryException extends SystemException
{
    public function __construct($message = '', private readonly string $databaseMessage = '', private readonly string $query = '', ?\Throwable $previous = null)
    {
        parent::__construct($message . ($databaseMessage !== '' ? ': ' . $databaseMessage : ''), 400, '', 0, $previous);
    }

    public function getDatabaseMessage(): string
    {
        return $this->databaseMessage;
    }

    public function getQuery(): string
    {
        return $this->query;
    }
}
