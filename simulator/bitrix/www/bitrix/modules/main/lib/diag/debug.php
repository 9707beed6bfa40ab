<?php
declare(strict_types=1);

namespace Bitrix\Main\Diag;

use Bitrix\Main\Loader;

/**
 * Bitrix's debug logging. The second argument is a LABEL, the third the file (relative to the
 * document root, default __bx_log.log): writeToFile($msg, 'x.log') writes to __bx_log.log under "x.log:".
 */
final class Debug
{
    public static function writeToFile($var, $varName = '', $fileName = ''): void
    {
        $data = '';
        if ((string) $varName !== '') {
            $data .= $varName . ":\n";
        }
        $data .= (is_array($var) || is_object($var) ? print_r($var, true) : (string) $var) . "\n";
        self::append($data . "\n", (string) $fileName);
    }

    public static function dumpToFile($var, $varName = '', $fileName = ''): void
    {
        $data = '';
        if ((string) $varName !== '') {
            $data .= $varName . ":\n";
        }
        ob_start();
        var_dump($var);
        $data .= (string) ob_get_clean() . "\n";
        self::append($data . "\n", (string) $fileName);
    }

    private static function append(string $data, string $fileName): void
    {
        $file = Loader::getDocumentRoot() . '/' . ltrim($fileName !== '' ? $fileName : '__bx_log.log', '/');
        // Like Bitrix: no directory is created; a missing directory loses the entry (with a warning in the PHP log).
        file_put_contents($file, $data, FILE_APPEND | LOCK_EX);
    }
}
