<?php
declare(strict_types=1);

namespace Bitrix\Sale;

use Bitrix\Main\Application;

/** One b_sale_basket row. */
class BasketItem
{
    /** @param array<string, mixed> $fields */
    public function __construct(private array $fields)
    {
    }

    public function getId(): int
    {
        return (int) ($this->fields['ID'] ?? 0);
    }

    public function getProductId(): int
    {
        return (int) $this->fields['PRODUCT_ID'];
    }

    public function getPrice(): float
    {
        return (float) $this->fields['PRICE'];
    }

    public function getQuantity(): float
    {
        return (float) $this->fields['QUANTITY'];
    }

    public function getFinalPrice(): float
    {
        return $this->getPrice() * $this->getQuantity();
    }

    public function getField($name): mixed
    {
        return $this->fields[(string) $name] ?? null;
    }

    public function setField($name, $value): void
    {
        $this->fields[(string) $name] = $value;
    }

    /** @param array<string, mixed> $fields */
    public function setFields(array $fields): void
    {
        foreach ($fields as $name => $value) {
            $this->setField($name, $value);
        }
    }

    /** @internal */
    public function saveForOrder(int $orderId, string $siteId, string $currency): void
    {
        if ($this->getId() > 0) {
            return;
        }
        $v = fn (mixed $x): string => Order::sqlValue($x);
        $db = Application::getConnection();
        $db->queryExecute('INSERT INTO b_sale_basket (FUSER_ID, ORDER_ID, PRODUCT_ID, PRICE, CURRENCY, QUANTITY, LID, NAME, MODULE, DATE_INSERT) VALUES ('
            . implode(', ', [$v($this->fields['FUSER_ID'] ?? null), $orderId, $this->getProductId(), $this->getPrice(), $v($this->fields['CURRENCY'] ?? $currency),
                $this->getQuantity(), $v($siteId), $v((string) $this->fields['NAME']), $v((string) ($this->fields['MODULE'] ?? 'catalog')), $v(date('Y-m-d H:i:s'))])
            . ')');
        $this->fields['ID'] = $db->getInsertedId();
        $this->fields['ORDER_ID'] = $orderId;
    }
}
