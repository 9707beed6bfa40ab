<?php
/**
 * Global helper functions of the main module that integration code is known to call.
 */
declare(strict_types=1);

if (!function_exists('AddMessage2Log')) {
    /**
     * As in Bitrix: does nothing unless the site defines LOG_FILENAME (code relying on it usually logs nothing).
     */
    function AddMessage2Log($text, $module = '', $traceDepth = 6, $showArgs = false): void
    {
        if (!defined('LOG_FILENAME') || (string) LOG_FILENAME === '') {
            return;
        }
        $entry = 'Host: ' . ($_SERVER['HTTP_HOST'] ?? '') . "\n"
            . 'Date: ' . date('Y-m-d H:i:s') . "\n"
            . 'Module: ' . $module . "\n"
            . (is_scalar($text) ? (string) $text : print_r($text, true)) . "\n"
            . "----------\n";
        @file_put_contents((string) LOG_FILENAME, $entry, FILE_APPEND | LOCK_EX);
    }
}
