/** How the answer-shaping faults rewrite a response: pure functions over the real answer. */
import type { JsonResponse, RequestScope } from '../http.ts';
import type { PaymentConfigRow } from '../store.ts';
import type { AnswerFault } from './registry.ts';

/** Python's repr() of a JSON value: what a service that printed str(dict) would send. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`).join(', ')}}`;
}

export function withoutField(body: unknown, field: string): unknown {
  const drop = (item: unknown): unknown => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    const copy = { ...(item as Record<string, unknown>) };
    delete copy[field];
    return copy;
  };
  return Array.isArray(body) ? body.map(drop) : drop(body);
}

/** FastAPI's HTTPException body: what an `http-status` fault without a body answers. */
export const fastapiErrorBody = (reason: string): unknown => ({ detail: reason });

/** The per-request scope a fault sets up before the route runs. */
export function scopeFor(fault: AnswerFault | undefined): RequestScope {
  if (fault?.kind === 'wrong-shop') return { lookupShopId: fault.shopId };
  if (fault?.kind !== 'stale-config') return {};
  return {
    adjustConfig: (row: PaymentConfigRow): PaymentConfigRow => {
      if (fault.shopId !== undefined && row.shop_id !== fault.shopId) return row;
      return {
        ...row,
        organization_bin: fault.organizationBin ?? row.organization_bin,
        device_token: fault.deviceToken === undefined ? row.device_token : fault.deviceToken,
        is_active: fault.isActive ?? row.is_active,
      };
    },
  };
}

/** The real answer as it leaves the service under a body-level fault. */
export function reshape(
  fault: AnswerFault | undefined,
  response: JsonResponse,
): { status: number; text: string; contentType: string } {
  if (fault?.kind === 'invalid-json')
    return { status: response.status, text: pythonRepr(response.body), contentType: 'application/json' };
  const body = fault?.kind === 'missing-field' ? withoutField(response.body, fault.field) : response.body;
  return { status: response.status, text: JSON.stringify(body), contentType: 'application/json' };
}
