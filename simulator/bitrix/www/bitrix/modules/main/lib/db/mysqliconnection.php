<?php
declare(strict_types=1);

namespace Bitrix\Main\DB;

/**
 * A thin mysqli connection with the Bitrix method names custom code uses (query, queryScalar,
 * queryExecute, getInsertedId, transactions). Connects lazily; errors become SqlQueryException.
 */
final class MysqliConnection
{
    private ?\mysqli $link = null;

    public function __construct(
        private readonly string $host,
        private readonly string $login,
        private readonly string $password,
        private readonly string $database,
    ) {
    }

    private function link(): \mysqli
    {
        if ($this->link !== null) {
            return $this->link;
        }
        // dbconn.php's $DBHost may carry a port ("127.0.0.1:3306"), as Bitrix allows.
        [$host, $port] = str_contains($this->host, ':') ? explode(':', $this->host, 2) : [$this->host, '3306'];
        mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
        try {
            $link = new \mysqli($host, $this->login, $this->password, $this->database, (int) $port);
            $link->set_charset('utf8mb4');
        } catch (\mysqli_sql_exception $e) {
            throw new SqlQueryException('Cannot connect to the database', $e->getMessage(), '', $e);
        }
        return $this->link = $link;
    }

    public function query($sql): Result
    {
        try {
            return new Result($this->link()->query((string) $sql));
        } catch (\mysqli_sql_exception $e) {
            throw new SqlQueryException('Mysql query error', $e->getMessage(), (string) $sql, $e);
        }
    }

    public function queryExecute($sql): void
    {
        $this->query($sql);
    }

    public function queryScalar($sql): mixed
    {
        $row = $this->query($sql)->fetch();
        return $row === false ? null : (array_values($row)[0] ?? null);
    }

    public function getInsertedId(): int
    {
        return (int) $this->link()->insert_id;
    }

    public function getAffectedRowsCount(): int
    {
        return (int) $this->link()->affected_rows;
    }

    public function escape(string $value): string
    {
        return $this->link()->real_escape_string($value);
    }

    public function getSqlHelper(): SqlHelper
    {
        return new SqlHelper($this);
    }

    public function startTransaction(): void
    {
        $this->link()->begin_transaction();
    }

    public function commitTransaction(): void
    {
        $this->link()->commit();
    }

    public function rollbackTransaction(): void
    {
        $this->link()->rollback();
    }
}
