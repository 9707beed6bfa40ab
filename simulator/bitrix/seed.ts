/**
 * Seeds the stub's database from the fixtures: iblock "shops" (one element per seller, element ID =
 * shop_id), iblock "products" (SHOP element-link property and PRICE) from the seeded catalogue, and
 * the onelab.kaspipay options the integration reads.
 */
import mysql, { type Connection, type ResultSetHeader } from 'mysql2/promise';
import { catalogueFor, type CatalogueProduct } from '../../fixtures/catalogue.ts';
import { seededFaker } from '../../fixtures/customers.ts';
import { fallbackOrganization, sellers as allSellers, type Seller } from '../../fixtures/organizations.ts';
import type { RunningMariadb } from '../../platform/mariadb.ts';
import { migrate } from './schema/migrate.ts';

export const kaspiModuleId = 'onelab.kaspipay';

export interface SeedOptions {
  seed: number;
  /** Unset: the option stays empty and the integration uses its production default host. */
  kaspiUrl?: string;
  paymentServiceUrl?: string;
  /** Where the storefront POSTs a completed payment (option webhook_url). */
  webhookUrl?: string;
  sellers?: readonly Seller[];
}

export interface SeedResult {
  shopsIblockId: number;
  productsIblockId: number;
  products: CatalogueProduct[];
}

export function connectAsApp(mariadb: RunningMariadb): Promise<Connection> {
  return mysql.createConnection({
    host: mariadb.host,
    port: mariadb.port,
    user: mariadb.database.user,
    password: mariadb.database.password,
    database: mariadb.database.name,
    multipleStatements: true,
    charset: 'utf8mb4',
  });
}

async function insert(connection: Connection, sql: string, values: unknown[]): Promise<number> {
  const [result] = await connection.query<ResultSetHeader>(sql, values);
  return result.insertId;
}

async function createIblock(connection: Connection, code: string, name: string): Promise<number> {
  return insert(
    connection,
    "INSERT INTO b_iblock (IBLOCK_TYPE_ID, LID, CODE, NAME) VALUES ('catalog', 's1', ?, ?)",
    [code, name],
  );
}

export async function setOption(
  connection: Connection,
  moduleId: string,
  name: string,
  value: string,
): Promise<void> {
  await connection.query(
    'INSERT INTO b_option (MODULE_ID, NAME, VALUE) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE VALUE = VALUES(VALUE)',
    [moduleId, name, value],
  );
}

export async function seedBitrix(connection: Connection, options: SeedOptions): Promise<SeedResult> {
  await migrate(connection);
  const sellers = options.sellers ?? allSellers;
  const products = catalogueFor(sellers, seededFaker(options.seed));

  const shopsIblockId = await createIblock(connection, 'shops', 'Shops');
  const productsIblockId = await createIblock(connection, 'products', 'Products');
  for (const seller of sellers) {
    await connection.query(
      'INSERT INTO b_iblock_element (ID, IBLOCK_ID, NAME, CODE, DATE_CREATE, TIMESTAMP_X) VALUES (?, ?, ?, ?, NOW(), NOW())',
      [seller.shopId, shopsIblockId, seller.name, `shop-${seller.shopId}`],
    );
  }
  const shopProperty = await insert(
    connection,
    "INSERT INTO b_iblock_property (IBLOCK_ID, NAME, CODE, PROPERTY_TYPE, LINK_IBLOCK_ID, IS_REQUIRED) VALUES (?, 'Shop', 'SHOP', 'E', ?, 'Y')",
    [productsIblockId, shopsIblockId],
  );
  const priceProperty = await insert(
    connection,
    "INSERT INTO b_iblock_property (IBLOCK_ID, NAME, CODE, PROPERTY_TYPE) VALUES (?, 'Price', 'PRICE', 'N')",
    [productsIblockId],
  );
  for (const product of products) {
    await connection.query(
      'INSERT INTO b_iblock_element (ID, IBLOCK_ID, NAME, CODE, DATE_CREATE, TIMESTAMP_X) VALUES (?, ?, ?, ?, NOW(), NOW())',
      [product.id, productsIblockId, product.name, `product-${product.id}`],
    );
    await connection.query(
      'INSERT INTO b_iblock_element_property (IBLOCK_PROPERTY_ID, IBLOCK_ELEMENT_ID, VALUE, VALUE_NUM) VALUES (?, ?, ?, ?), (?, ?, ?, ?)',
      [
        shopProperty,
        product.id,
        String(product.shopId),
        product.shopId,
        priceProperty,
        product.id,
        String(product.price),
        product.price,
      ],
    );
  }

  for (const [name, value] of [
    ['payment_service_url', options.paymentServiceUrl],
    ['kaspi_api_url', options.kaspiUrl],
    ['webhook_url', options.webhookUrl],
  ] as const) {
    if (value !== undefined) await setOption(connection, kaspiModuleId, name, value);
  }
  // The marketplace's own device token: what the integration uses with the fallback BIN.
  await setOption(connection, kaspiModuleId, 'device_token', fallbackOrganization.deviceToken);
  return { shopsIblockId, productsIblockId, products };
}
