<?php
declare(strict_types=1);

namespace Bitrix\Main;

class ArgumentNullException extends ArgumentException
{
    public function __construct($parameter, ?\Throwable $previous = null)
    {
        parent::__construct(sprintf('Argument "%s" is null or empty', (string) $parameter), $parameter, $previous);
    }
}
