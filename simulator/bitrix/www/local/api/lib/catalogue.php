<?php
/**
 * Reads the catalogue from the iblock tables: products of iblock "products" with their SHOP
 * (element link to iblock "shops") and PRICE properties.
 */
declare(strict_types=1);

namespace Harness\Api;

use Bitrix\Main\Application;

/**
 * @param list<int>|null $ids null: the whole catalogue
 * @return array<int, array{id: int, shopId: int, name: string, price: float}> keyed by product id
 */
function loadProducts(?array $ids = null): array
{
    $db = Application::getConnection();
    $where = '';
    if ($ids !== null) {
        if ($ids === []) {
            return [];
        }
        $where = ' AND e.ID IN (' . implode(',', array_map('intval', $ids)) . ')';
    }
    $rows = $db->query(
        "SELECT e.ID, e.NAME, shop.VALUE AS SHOP_ID, price.VALUE AS PRICE
           FROM b_iblock_element e
           JOIN b_iblock ib ON ib.ID = e.IBLOCK_ID AND ib.CODE = 'products'
           LEFT JOIN b_iblock_property sp ON sp.IBLOCK_ID = ib.ID AND sp.CODE = 'SHOP'
           LEFT JOIN b_iblock_element_property shop ON shop.IBLOCK_ELEMENT_ID = e.ID AND shop.IBLOCK_PROPERTY_ID = sp.ID
           LEFT JOIN b_iblock_property pp ON pp.IBLOCK_ID = ib.ID AND pp.CODE = 'PRICE'
           LEFT JOIN b_iblock_element_property price ON price.IBLOCK_ELEMENT_ID = e.ID AND price.IBLOCK_PROPERTY_ID = pp.ID
          WHERE e.ACTIVE = 'Y'$where
          ORDER BY e.ID"
    );
    $products = [];
    while ($row = $rows->fetch()) {
        $products[(int) $row['ID']] = [
            'id' => (int) $row['ID'],
            'shopId' => (int) $row['SHOP_ID'],
            'name' => (string) $row['NAME'],
            'price' => (float) $row['PRICE'],
        ];
    }
    return $products;
}
