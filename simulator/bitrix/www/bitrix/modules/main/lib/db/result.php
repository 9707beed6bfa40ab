<?php
declare(strict_types=1);

namespace Bitrix\Main\DB;

/** A query result: fetch() returns the next row as an associative array, or false at the end. */
final class Result
{
    public function __construct(private readonly \mysqli_result|bool $result)
    {
    }

    public function fetch(): array|false
    {
        if (!$this->result instanceof \mysqli_result) {
            return false;
        }
        return $this->result->fetch_assoc() ?? false;
    }

    /** @return list<array<string, mixed>> */
    public function fetchAll(): array
    {
        return $this->result instanceof \mysqli_result ? $this->result->fetch_all(MYSQLI_ASSOC) : [];
    }

    public function getSelectedRowsCount(): int
    {
        return $this->result instanceof \mysqli_result ? (int) $this->result->num_rows : 0;
    }
}
