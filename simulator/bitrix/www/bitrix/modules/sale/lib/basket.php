<?php
declare(strict_types=1);

namespace Bitrix\Sale;

use Bitrix\Main\Application;

/** An order's basket: iterable BasketItem objects over b_sale_basket. */
class Basket implements \IteratorAggregate, \Countable
{
    /** @param list<BasketItem> $items */
    private function __construct(private readonly string $siteId, private array $items)
    {
    }

    public static function create($siteId): static
    {
        return new static((string) $siteId, []);
    }

    public static function loadForOrder(int $orderId): static
    {
        $items = [];
        if ($orderId > 0) {
            $rows = Application::getConnection()->query("SELECT * FROM b_sale_basket WHERE ORDER_ID = $orderId ORDER BY ID");
            while ($row = $rows->fetch()) {
                $items[] = new BasketItem($row);
            }
        }
        return new static('', $items);
    }

    public function createItem($moduleId, $productId): BasketItem
    {
        $item = new BasketItem(['ID' => null, 'MODULE' => (string) $moduleId, 'PRODUCT_ID' => (int) $productId, 'QUANTITY' => 1.0, 'PRICE' => 0.0, 'NAME' => '', 'CURRENCY' => 'KZT', 'LID' => $this->siteId]);
        $this->items[] = $item;
        return $item;
    }

    public function getPrice(): float
    {
        return array_reduce($this->items, fn (float $sum, BasketItem $item): float => $sum + $item->getFinalPrice(), 0.0);
    }

    /** @return list<BasketItem> */
    public function getBasketItems(): array
    {
        return $this->items;
    }

    public function getIterator(): \ArrayIterator
    {
        return new \ArrayIterator($this->items);
    }

    public function count(): int
    {
        return count($this->items);
    }

    /** @internal */
    public function saveForOrder(int $orderId, string $siteId, string $currency): void
    {
        foreach ($this->items as $item) {
            $item->saveForOrder($orderId, $siteId, $currency);
        }
    }
}
