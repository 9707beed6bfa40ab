<?php
declare(strict_types=1);

namespace Bitrix\Sale;

use Bitrix\Main\Application;

/**
 * An order's property values (b_sale_order_props_value), addressed by CODE. The stub has no
 * b_sale_order_props catalogue, so createItemByCode() stands in for Bitrix's property configuration.
 */
class PropertyValueCollection implements \IteratorAggregate, \Countable
{
    /** @param list<PropertyValue> $items */
    public function __construct(private readonly ?int $orderId, private array $items)
    {
    }

    public static function loadForOrder(int $orderId): static
    {
        $items = [];
        if ($orderId > 0) {
            $rows = Application::getConnection()->query("SELECT * FROM b_sale_order_props_value WHERE ORDER_ID = $orderId ORDER BY ID");
            while ($row = $rows->fetch()) {
                $items[] = new PropertyValue($row);
            }
        }
        return new static($orderId, $items);
    }

    public function getItemByOrderPropertyCode($code): ?PropertyValue
    {
        foreach ($this->items as $item) {
            if ($item->getField('CODE') === (string) $code) {
                return $item;
            }
        }
        return null;
    }

    /** Stub-only: the value for $code, created when the order has none yet. */
    public function createItemByCode($code, $name = null): PropertyValue
    {
        $existing = $this->getItemByOrderPropertyCode($code);
        if ($existing !== null) {
            return $existing;
        }
        $item = new PropertyValue(['ID' => null, 'ORDER_PROPS_ID' => 0, 'CODE' => (string) $code, 'NAME' => (string) ($name ?? $code), 'VALUE' => '']);
        $this->items[] = $item;
        return $item;
    }

    /** @return array<string, string> CODE => VALUE */
    public function getArray(): array
    {
        $values = [];
        foreach ($this->items as $item) {
            $values[(string) $item->getField('CODE')] = (string) $item->getValue();
        }
        return $values;
    }

    public function getIterator(): \ArrayIterator
    {
        return new \ArrayIterator($this->items);
    }

    public function count(): int
    {
        return count($this->items);
    }

    /**
     * @internal Stored rows are updated one by one (only when changed); new rows go in one multi-row
     * INSERT: a checkout adds a dozen properties, and one statement per row was most of MariaDB's
     * work per checkout (bench/README.md). A multi-row INSERT of known size gets consecutive
     * AUTO_INCREMENT ids (InnoDB's default innodb_autoinc_lock_mode=1), the first one as insert_id.
     */
    public function saveForOrder(int $orderId): void
    {
        $new = [];
        $tuples = [];
        foreach ($this->items as $item) {
            $tuple = $item->insertTuple($orderId);
            if ($tuple === null) {
                $item->saveForOrder($orderId);
            } else {
                $new[] = $item;
                $tuples[] = $tuple;
            }
        }
        if ($new === []) {
            return;
        }
        $db = Application::getConnection();
        $db->queryExecute('INSERT INTO b_sale_order_props_value (ORDER_ID, ORDER_PROPS_ID, NAME, VALUE, CODE) VALUES ' . implode(', ', $tuples));
        $firstId = $db->getInsertedId();
        foreach ($new as $offset => $item) {
            $item->markInserted($firstId + $offset, $orderId);
        }
    }
}
