<?php
declare(strict_types=1);

namespace Bitrix\Main\Web;

/** Response headers with case-insensitive names (the slice of Bitrix's HttpHeaders code uses). */
class HttpHeaders implements \IteratorAggregate
{
    /** @var array<string, array{name: string, values: list<string>}> lowercase name => original name and values */
    private array $headers = [];

    public function add($name, $value): void
    {
        $key = strtolower((string) $name);
        $this->headers[$key] ??= ['name' => (string) $name, 'values' => []];
        $this->headers[$key]['values'][] = (string) $value;
    }

    public function set($name, $value): void
    {
        $this->headers[strtolower((string) $name)] = ['name' => (string) $name, 'values' => [(string) $value]];
    }

    /** The first value (or all of them with $returnArray), null when absent. */
    public function get($name, $returnArray = false): string|array|null
    {
        $entry = $this->headers[strtolower((string) $name)] ?? null;
        if ($entry === null) {
            return null;
        }
        return $returnArray ? $entry['values'] : $entry['values'][0];
    }

    public function delete($name): void
    {
        unset($this->headers[strtolower((string) $name)]);
    }

    public function clear(): void
    {
        $this->headers = [];
    }

    public function getContentType(): ?string
    {
        $type = $this->get('Content-Type');
        return is_string($type) ? strtolower(trim(explode(';', $type)[0])) : null;
    }

    /** @return array<string, array{name: string, values: list<string>}> */
    public function toArray(): array
    {
        return $this->headers;
    }

    public function getIterator(): \ArrayIterator
    {
        $flat = [];
        foreach ($this->headers as $entry) {
            $flat[$entry['name']] = $entry['values'];
        }
        return new \ArrayIterator($flat);
    }
}
