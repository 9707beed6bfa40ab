/** The `POST /api/payment/log` body, validated field by field in the model's order, as Pydantic does. */
import {
  boundedInt,
  missing,
  notAnObject,
  str,
  type Parsed,
  type ValidationIssue,
} from './fastapi-errors.ts';
import type { PaymentLogInput } from './store.ts';

/** Column widths of paymentlog: longer values are refused up front instead of failing in the database. */
const stringFields = [
  ['organization_bin', 12, true],
  ['operation_type', 20, true],
  ['external_id', 50, false],
  ['status', 50, false],
  ['error_message', 500, false],
  ['provider', 20, false],
] as const;

export type LogBodyResult = { ok: true; log: PaymentLogInput } | { ok: false; issues: ValidationIssue[] };

export function parseLogBody(body: unknown): LogBodyResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [notAnObject(body)] };
  }
  const fields = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  const take = <T>(parsed: Parsed<T>): T | undefined => {
    if (parsed.issue) issues.push(parsed.issue);
    return parsed.value;
  };

  const shopId = take<string>(
    'shop_id' in fields
      ? boundedInt(fields.shop_id, ['body', 'shop_id'])
      : { issue: missing(['body', 'shop_id'], body) },
  );
  const strings: Record<string, string | null | undefined> = {};
  for (const [name, maxLength, required] of stringFields) {
    const value = fields[name];
    const loc = ['body', name];
    if (value === undefined) {
      if (required) issues.push(missing(loc, body));
    } else if (value === null && !required) {
      strings[name] = null;
    } else {
      strings[name] = take(str(value, loc, maxLength));
    }
  }
  let amount: string | null | undefined;
  if (fields.amount === null) amount = null;
  else if (fields.amount !== undefined) amount = take(boundedInt(fields.amount, ['body', 'amount']));

  // Pydantic reports fields in declaration order: shop_id, organization_bin, operation_type, external_id, amount, …
  issues.sort((a, b) => fieldOrder(a) - fieldOrder(b));
  if (issues.length > 0 || shopId === undefined) return { ok: false, issues };
  return {
    ok: true,
    log: {
      shop_id: shopId,
      organization_bin: strings.organization_bin!,
      operation_type: strings.operation_type!,
      external_id: strings.external_id,
      amount,
      status: strings.status,
      error_message: strings.error_message,
      provider: strings.provider,
    },
  };
}

const declarationOrder = [
  'shop_id',
  'organization_bin',
  'operation_type',
  'external_id',
  'amount',
  'status',
  'error_message',
  'provider',
];

function fieldOrder(issue: ValidationIssue): number {
  return declarationOrder.indexOf(String(issue.loc[1]));
}
