<?php
declare(strict_types=1);

namespace Bitrix\Main;

/**
 * Class loading and modules, with Bitrix's semantics: kernel classes Bitrix\<Module>\Foo\Bar live in
 * bitrix/modules/<module>/lib/foo/bar.php; registerNamespace tries the lowercase path first, then the
 * original case; non-main modules load only after includeModule() (/local/modules before /bitrix/modules).
 */
final class Loader
{
    /** @var array<string, true> */
    private static array $loadedModules = ['main' => true];
    /** @var array<string, string> lowercase class name => absolute file */
    private static array $classes = [];
    /** @var array<string, list<string>> namespace prefix (with trailing \) => absolute dirs */
    private static array $namespaces = [];
    private static bool $registered = false;

    public static function registerKernelAutoloader(): void
    {
        if (!self::$registered) {
            spl_autoload_register([self::class, 'autoLoad']);
            self::$registered = true;
        }
    }

    public static function getDocumentRoot(): string
    {
        return rtrim((string) ($_SERVER['DOCUMENT_ROOT'] ?? ''), '/');
    }

    /** The /local copy of a path if it exists, else the /bitrix one, else false. */
    public static function getLocal($path, $root = null): string|false
    {
        $root ??= self::getDocumentRoot();
        $path = ltrim((string) $path, '/');
        foreach (['/local/', '/bitrix/'] as $base) {
            if (file_exists($root . $base . $path)) {
                return $root . $base . $path;
            }
        }
        return false;
    }

    public static function includeModule($moduleName): bool
    {
        $module = strtolower(trim((string) $moduleName));
        if ($module === '' || !preg_match('/^[a-z0-9_.]+$/', $module)) {
            return false;
        }
        if (isset(self::$loadedModules[$module])) {
            return true;
        }
        $include = self::getLocal('modules/' . $module . '/include.php');
        if ($include === false) {
            return false;
        }
        self::$loadedModules[$module] = true;
        require_once $include;
        return true;
    }

    public static function requireModule($moduleName): bool
    {
        if (!self::includeModule($moduleName)) {
            throw new LoaderException(sprintf('Module "%s" is not installed.', (string) $moduleName));
        }
        return true;
    }

    /**
     * @param array<string, string> $classes class => path relative to the module dir (or to the
     *                                        document root when $moduleName is null)
     */
    public static function registerAutoLoadClasses($moduleName, array $classes): void
    {
        $base = self::getDocumentRoot();
        if ($moduleName !== null && $moduleName !== '') {
            $moduleDir = self::getLocal('modules/' . strtolower((string) $moduleName));
            if ($moduleDir === false) {
                return;
            }
            $base = $moduleDir;
        }
        foreach ($classes as $class => $file) {
            self::$classes[strtolower(ltrim((string) $class, '\\'))] = $base . '/' . ltrim((string) $file, '/');
        }
    }

    public static function registerNamespace($namespace, $path): void
    {
        $prefix = trim((string) $namespace, '\\') . '\\';
        $dir = rtrim((string) $path, '/');
        if (!in_array($dir, self::$namespaces[$prefix] ?? [], true)) {
            self::$namespaces[$prefix][] = $dir;
        }
    }

    public static function autoLoad($className): void
    {
        $class = ltrim((string) $className, '\\');
        $lower = strtolower($class);
        if (isset(self::$classes[$lower])) {
            if (is_file(self::$classes[$lower])) {
                require_once self::$classes[$lower];
            }
            return;
        }
        foreach (self::$namespaces as $prefix => $dirs) {
            if (strncasecmp($class, $prefix, strlen($prefix)) !== 0) {
                continue;
            }
            $relative = str_replace('\\', '/', substr($class, strlen($prefix)));
            foreach ($dirs as $dir) {
                foreach ([strtolower($relative), $relative] as $candidate) {
                    $file = $dir . '/' . $candidate . '.php';
                    if (is_file($file)) {
                        require_once $file;
                        return;
                    }
                }
            }
        }
        // Bitrix\<Module>\... => modules/<module>/lib/<rest in lowercase>.php, for loaded modules only.
        if (preg_match('/^bitrix\\\\([a-z0-9_]+)\\\\(.+)$/', $lower, $m) && isset(self::$loadedModules[$m[1]])) {
            $file = self::getLocal('modules/' . $m[1] . '/lib/' . str_replace('\\', '/', $m[2]) . '.php');
            if ($file !== false && is_file($file)) {
                require_once $file;
            }
        }
    }
}
