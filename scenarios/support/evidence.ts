/**
 * Independent evidence of where a payment went, read from each system's own store: the Kaspi
 * simulator's purchase record, the order row in MySQL and the paymentlog row in PostgreSQL.
 */
import type { RowDataPacket } from 'mysql2/promise';
import type { StackClients } from './stack-context.ts';

export interface StoredOrder {
  id: number;
  payed: string;
  price: number;
  properties: Record<string, string>;
}

export async function storedOrder(stack: StackClients, orderId: number): Promise<StoredOrder | null> {
  const [orders] = await stack.mysql.query<RowDataPacket[]>(
    'SELECT ID, PAYED, PRICE FROM b_sale_order WHERE ID = ?',
    [orderId],
  );
  const order = orders[0];
  if (!order) return null;
  const [props] = await stack.mysql.query<RowDataPacket[]>(
    'SELECT CODE, VALUE FROM b_sale_order_props_value WHERE ORDER_ID = ?',
    [orderId],
  );
  return {
    id: Number(order.ID),
    payed: String(order.PAYED),
    price: Number(order.PRICE),
    properties: Object.fromEntries(props.map((row) => [String(row.CODE), String(row.VALUE)])),
  };
}

export interface PaymentLogRow {
  shop_id: number;
  organization_bin: string;
  operation_type: string;
  external_id: string | null;
  amount: number | null;
  status: string | null;
}

export async function paymentLogRows(stack: StackClients, externalId: string): Promise<PaymentLogRow[]> {
  const result = await stack.postgres.query<PaymentLogRow>(
    'SELECT shop_id, organization_bin, operation_type, external_id, amount, status FROM paymentlog WHERE external_id = $1 ORDER BY id',
    [externalId],
  );
  return result.rows;
}
