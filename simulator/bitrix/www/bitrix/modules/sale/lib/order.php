<?php
declare(strict_types=1);

namespace Bitrix\Sale;

use Bitrix\Main\Application;

/**
 * The minimal shape of Bitrix's sale order over b_sale_order, b_sale_basket and
 * b_sale_order_props_value. ACCOUNT_NUMBER defaults to the ID, as with Bitrix's default numbering.
 */
class Order
{
    /** @var array<string, mixed> */
    private array $fields;
    /** @var array<string, true> */
    private array $changed = [];
    private ?Basket $basket = null;
    private ?PropertyValueCollection $properties = null;

    private const COLUMNS = ['LID', 'PERSON_TYPE_ID', 'PAYED', 'DATE_PAYED', 'CANCELED', 'STATUS_ID', 'PRICE', 'CURRENCY', 'USER_ID', 'PAY_SYSTEM_ID', 'DATE_INSERT', 'DATE_UPDATE', 'SUM_PAID', 'COMMENTS', 'XML_ID', 'ACCOUNT_NUMBER'];

    /** @param array<string, mixed> $fields */
    private function __construct(array $fields)
    {
        $this->fields = $fields;
    }

    public static function create($siteId, $userId = null, $currency = null): static
    {
        $order = new static([
            'ID' => null, 'LID' => (string) $siteId, 'PERSON_TYPE_ID' => 1, 'PAYED' => 'N', 'DATE_PAYED' => null,
            'CANCELED' => 'N', 'STATUS_ID' => 'N', 'PRICE' => 0.0, 'CURRENCY' => (string) ($currency ?? 'KZT'),
            'USER_ID' => $userId === null ? null : (int) $userId, 'PAY_SYSTEM_ID' => null, 'SUM_PAID' => 0.0,
            'COMMENTS' => null, 'XML_ID' => null, 'ACCOUNT_NUMBER' => null,
        ]);
        $order->basket = Basket::create((string) $siteId);
        $order->properties = new PropertyValueCollection(null, []);
        return $order;
    }

    public static function load($id): ?static
    {
        $id = (int) $id;
        if ($id <= 0) {
            return null;
        }
        $row = Application::getConnection()->query("SELECT * FROM b_sale_order WHERE ID = $id")->fetch();
        return $row === false ? null : new static($row);
    }

    public static function loadByAccountNumber($accountNumber): ?static
    {
        $db = Application::getConnection();
        $row = $db->query("SELECT * FROM b_sale_order WHERE ACCOUNT_NUMBER = '" . $db->escape((string) $accountNumber) . "'")->fetch();
        return $row === false ? null : new static($row);
    }

    public function getId(): int
    {
        return (int) ($this->fields['ID'] ?? 0);
    }

    public function getPrice(): float
    {
        return (float) $this->fields['PRICE'];
    }

    public function getCurrency(): string
    {
        return (string) $this->fields['CURRENCY'];
    }

    public function isPaid(): bool
    {
        return ($this->fields['PAYED'] ?? 'N') === 'Y';
    }

    public function getField($name): mixed
    {
        return $this->fields[(string) $name] ?? null;
    }

    /** Every field as b_sale_order holds it (what legacy code got from CSaleOrder::GetByID). */
    public function getFieldValues(): array
    {
        return $this->fields;
    }

    public function setField($name, $value): void
    {
        $name = (string) $name;
        if (!in_array($name, self::COLUMNS, true)) {
            throw new \Bitrix\Main\ArgumentException(sprintf('Unknown order field "%s"', $name), 'name');
        }
        $this->fields[$name] = $value;
        $this->changed[$name] = true;
    }

    public function getBasket(): Basket
    {
        return $this->basket ??= Basket::loadForOrder($this->getId());
    }

    /** The basket's sum becomes the order price, as Bitrix recalculates it. */
    public function setBasket(Basket $basket): void
    {
        $this->basket = $basket;
        $this->fields['PRICE'] = $basket->getPrice();
        $this->changed['PRICE'] = true;
    }

    public function getPropertyCollection(): PropertyValueCollection
    {
        return $this->properties ??= PropertyValueCollection::loadForOrder($this->getId());
    }

    /** Inserts or updates the order, then its basket and property values, in one transaction. */
    public function save(): Result
    {
        $db = Application::getConnection();
        $db->startTransaction();
        try {
            $now = date('Y-m-d H:i:s');
            if ($this->getId() === 0) {
                $this->fields['DATE_INSERT'] = $now;
                $this->fields['DATE_UPDATE'] = $now;
                $columns = array_values(array_filter(self::COLUMNS, fn (string $c): bool => $c !== 'ACCOUNT_NUMBER'));
                $values = array_map(fn (string $c): string => self::sqlValue($this->fields[$c] ?? null), $columns);
                $db->queryExecute('INSERT INTO b_sale_order (' . implode(', ', $columns) . ') VALUES (' . implode(', ', $values) . ')');
                $this->fields['ID'] = $db->getInsertedId();
                if (($this->fields['ACCOUNT_NUMBER'] ?? null) === null || $this->fields['ACCOUNT_NUMBER'] === '') {
                    $this->fields['ACCOUNT_NUMBER'] = (string) $this->fields['ID'];
                }
                $db->queryExecute('UPDATE b_sale_order SET ACCOUNT_NUMBER = ' . self::sqlValue($this->fields['ACCOUNT_NUMBER']) . ' WHERE ID = ' . $this->getId());
            } elseif ($this->changed !== []) {
                $this->fields['DATE_UPDATE'] = $now;
                $this->changed['DATE_UPDATE'] = true;
                $sets = array_map(fn (string $c): string => "$c = " . self::sqlValue($this->fields[$c] ?? null), array_keys($this->changed));
                $db->queryExecute('UPDATE b_sale_order SET ' . implode(', ', $sets) . ' WHERE ID = ' . $this->getId());
            }
            $this->changed = [];
            $this->basket?->saveForOrder($this->getId(), (string) $this->fields['LID'], (string) $this->fields['CURRENCY']);
            $this->properties?->saveForOrder($this->getId());
            $db->commitTransaction();
        } catch (\Throwable $e) {
            $db->rollbackTransaction();
            throw $e;
        }
        return new Result($this->getId());
    }

    /** @internal quoting for values this module writes */
    public static function sqlValue(mixed $value): string
    {
        if ($value === null) {
            return 'NULL';
        }
        if (is_int($value) || is_float($value)) {
            return (string) $value;
        }
        return "'" . Application::getConnection()->escape((string) $value) . "'";
    }
}
