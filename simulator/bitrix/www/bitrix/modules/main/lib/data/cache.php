<?php
declare(strict_types=1);

namespace Bitrix\Main\Data;

use Bitrix\Main\Loader;

/**
 * Bitrix's file cache: one file per unique string under DOCUMENT_ROOT/bitrix/<baseDir>/<initDir>/,
 * so entries outlive the request (PHP starts every request with empty memory). A file stores its own
 * expiry; an expired or unreadable file is a miss. Output produced between startDataCache() and
 * endDataCache() is cached too, as in Bitrix.
 */
class Cache
{
    private array|false $vars = false;
    private string $content = '';
    private ?string $pendingFile = null;
    private int $pendingTtl = 0;
    private bool $buffering = false;

    public static function createInstance($params = []): static
    {
        return new static();
    }

    /** Bitrix's layout: the first three hex digits of md5 as a subdirectory. */
    public static function getPath($uniqueString): string
    {
        $hash = md5((string) $uniqueString);
        return substr($hash, 0, 3) . '/' . $hash . '.php';
    }

    public static function baseDirectory($initDir = false, $baseDir = 'cache'): string
    {
        $parts = [trim((string) $baseDir, '/')];
        if ($initDir !== false && $initDir !== null && trim((string) $initDir, '/') !== '') {
            $parts[] = trim((string) $initDir, '/');
        }
        $relative = implode('/', $parts);
        if (preg_match('#(^|/)\.\.(/|$)#', $relative)) {
            throw new \Bitrix\Main\ArgumentException('Cache directory must not contain ".."', 'initDir');
        }
        return Loader::getDocumentRoot() . '/bitrix/' . $relative;
    }

    private static function fileFor($uniqueString, $initDir, $baseDir): string
    {
        return self::baseDirectory($initDir, $baseDir) . '/' . self::getPath($uniqueString);
    }

    public function initCache($ttl, $uniqueString, $initDir = false, $baseDir = 'cache'): bool
    {
        $this->vars = false;
        $this->content = '';
        $this->pendingFile = self::fileFor($uniqueString, $initDir, $baseDir);
        $this->pendingTtl = (int) $ttl;
        if ((int) $ttl <= 0) {
            return false;
        }
        $entry = self::readEntry($this->pendingFile);
        if ($entry === null || $entry['expire'] < time()) {
            return false;
        }
        $this->vars = $entry['vars'];
        $this->content = $entry['content'];
        return true;
    }

    public function getVars(): mixed
    {
        return $this->vars;
    }

    public function output(): void
    {
        echo $this->content;
    }

    public function startDataCache($ttl = false, $uniqueString = false, $initDir = false, $vars = [], $baseDir = 'cache'): bool
    {
        if ($uniqueString !== false) {
            if ($this->initCache($ttl, $uniqueString, $initDir, $baseDir)) {
                $this->output();
                return false;
            }
        } elseif ($ttl !== false) {
            $this->pendingTtl = (int) $ttl;
        }
        if ($this->pendingFile === null || $this->pendingTtl <= 0) {
            return false;
        }
        ob_start();
        $this->buffering = true;
        return true;
    }

    public function endDataCache($vars = false): void
    {
        $content = '';
        if ($this->buffering) {
            $content = (string) ob_get_contents();
            ob_end_flush();
            $this->buffering = false;
        }
        if ($this->pendingFile === null) {
            return;
        }
        self::writeEntry($this->pendingFile, ['expire' => time() + $this->pendingTtl, 'vars' => $vars, 'content' => $content]);
        $this->pendingFile = null;
    }

    public function abortDataCache(): void
    {
        if ($this->buffering) {
            ob_end_flush();
            $this->buffering = false;
        }
        $this->pendingFile = null;
    }

    public function clean($uniqueString, $initDir = false, $baseDir = 'cache'): bool
    {
        $file = self::fileFor($uniqueString, $initDir, $baseDir);
        return is_file($file) ? @unlink($file) : true;
    }

    public function cleanDir($initDir = false, $baseDir = 'cache'): bool
    {
        self::removeTree(self::baseDirectory($initDir, $baseDir));
        return true;
    }

    /** @return array{expire: int, vars: mixed, content: string}|null */
    private static function readEntry(string $file): ?array
    {
        $raw = @file_get_contents($file);
        if ($raw === false) {
            return null;
        }
        // Files start with a PHP guard line so that serving one over HTTP reveals nothing.
        $newline = strpos($raw, "\n");
        $payload = $newline === false ? '' : substr($raw, $newline + 1);
        $entry = @unserialize($payload, ['allowed_classes' => false]);
        if (!is_array($entry) || !isset($entry['expire']) || !array_key_exists('vars', $entry)) {
            return null;
        }
        return ['expire' => (int) $entry['expire'], 'vars' => $entry['vars'], 'content' => (string) ($entry['content'] ?? '')];
    }

    private static function writeEntry(string $file, array $entry): void
    {
        $dir = dirname($file);
        if (!is_dir($dir)) {
            @mkdir($dir, 0775, true);
        }
        // Write then rename: concurrent readers never see half a file.
        $tmp = $file . '.' . bin2hex(random_bytes(4)) . '.tmp';
        if (@file_put_contents($tmp, "<?php exit; ?>\n" . serialize($entry)) !== false) {
            @rename($tmp, $file);
        }
    }

    public static function removeTree(string $path): void
    {
        if (is_link($path) || is_file($path)) {
            @unlink($path);
            return;
        }
        if (!is_dir($path)) {
            return;
        }
        foreach (scandir($path) ?: [] as $name) {
            if ($name !== '.' && $name !== '..') {
                self::removeTree($path . '/' . $name);
            }
        }
        @rmdir($path);
    }
}
