<?php
declare(strict_types=1);

namespace Bitrix\Sale;

use Bitrix\Main\Application;

/** One b_sale_order_props_value row. VALUE is varchar(500) in Bitrix. */
class PropertyValue
{
    private bool $changed = false;

    /** @param array<string, mixed> $fields */
    public function __construct(private array $fields)
    {
    }

    public function getValue(): mixed
    {
        return $this->fields['VALUE'] ?? null;
    }

    public function setValue($value): void
    {
        $this->fields['VALUE'] = mb_substr((string) $value, 0, 500);
        $this->changed = true;
    }

    public function getName(): string
    {
        return (string) ($this->fields['NAME'] ?? '');
    }

    public function getField($name): mixed
    {
        return $this->fields[(string) $name] ?? null;
    }

    /** @internal the row's VALUES tuple when it is not stored yet, for one multi-row INSERT of the collection */
    public function insertTuple(int $orderId): ?string
    {
        if ((int) ($this->fields['ID'] ?? 0) > 0) {
            return null;
        }
        $v = fn (mixed $x): string => Order::sqlValue($x);
        return '(' . implode(', ', [$orderId, (int) ($this->fields['ORDER_PROPS_ID'] ?? 0), $v($this->getName()), $v((string) $this->fields['VALUE']), $v((string) $this->fields['CODE'])]) . ')';
    }

    /** @internal after the collection's INSERT stored this row as $id */
    public function markInserted(int $id, int $orderId): void
    {
        $this->fields['ID'] = $id;
        $this->fields['ORDER_ID'] = $orderId;
        $this->changed = false;
    }

    /** @internal */
    public function saveForOrder(int $orderId): void
    {
        $v = fn (mixed $x): string => Order::sqlValue($x);
        $db = Application::getConnection();
        $id = (int) ($this->fields['ID'] ?? 0);
        if ($id > 0) {
            if ($this->changed) {
                $db->queryExecute('UPDATE b_sale_order_props_value SET VALUE = ' . $v((string) $this->fields['VALUE']) . " WHERE ID = $id");
            }
        } else {
            $db->queryExecute('INSERT INTO b_sale_order_props_value (ORDER_ID, ORDER_PROPS_ID, NAME, VALUE, CODE) VALUES ('
                . implode(', ', [$orderId, (int) ($this->fields['ORDER_PROPS_ID'] ?? 0), $v($this->getName()), $v((string) $this->fields['VALUE']), $v((string) $this->fields['CODE'])]) . ')');
            $this->fields['ID'] = $db->getInsertedId();
            $this->fields['ORDER_ID'] = $orderId;
        }
        $this->changed = false;
    }
}
