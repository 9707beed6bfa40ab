<?php
declare(strict_types=1);

namespace Bitrix\Main;

class SystemException extends \Exception
{
    public function __construct($message = '', $code = 0, $file = '', $line = 0, ?\Throwable $previous = null)
    {
        parent::__construct((string) $message, (int) $code, $previous);
        if ($file !== '') {
            $this->file = (string) $file;
            $this->line = (int) $line;
        }
    }
}
