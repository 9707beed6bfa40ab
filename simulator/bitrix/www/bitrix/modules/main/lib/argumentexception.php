<?php
declare(strict_types=1);

namespace Bitrix\Main;

class ArgumentException extends SystemException
{
    protected string $parameter;

    public function __construct($message = '', $parameter = '', ?\Throwable $previous = null)
    {
        parent::__construct($message, 100, '', 0, $previous);
        $this->parameter = (string) $parameter;
    }

    public function getParameter(): string
    {
        return $this->parameter;
    }
}
