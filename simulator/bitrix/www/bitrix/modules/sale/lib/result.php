<?php
declare(strict_types=1);

namespace Bitrix\Sale;

/** What Order::save() returns: success (errors surface as exceptions in this stub) and the id. */
final class Result
{
    public function __construct(private readonly int $id)
    {
    }

    public function isSuccess(): bool
    {
        return true;
    }

    public function getId(): int
    {
        return $this->id;
    }

    /** @return list<string> */
    public function getErrorMessages(): array
    {
        return [];
    }
}
