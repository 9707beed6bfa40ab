/**
 * The client side of a control API (control-api.ts), under every typed control client: writes go
 * as JSON, even without a body (the guard refuses others), and an error answer becomes a
 * ControlApiError with the API's own code and message.
 */
import type { ControlErrorBody } from './control-api.ts';

export class ControlApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly reason: string,
    where: string,
  ) {
    super(`${where} failed: ${httpStatus} ${code}: ${reason}`);
    this.name = 'ControlApiError';
  }
}

export type ControlCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** `call(method, path, body?)` against the control API at `baseUrl`; `name` prefixes its errors. */
export function controlCaller(baseUrl: string, name: string): ControlCall {
  const base = baseUrl.replace(/\/+$/, '');
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: method === 'GET' ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let payload: unknown;
    try {
      payload = JSON.parse(text) as unknown;
    } catch {
      payload = undefined;
    }
    if (!response.ok) {
      const error = (payload as Partial<ControlErrorBody> | undefined)?.error;
      throw new ControlApiError(
        response.status,
        error?.code ?? 'unknown',
        error?.message ?? text.slice(0, 200),
        `${name} ${method} ${path}`,
      );
    }
    if (payload === undefined)
      throw new Error(`${name} ${method} ${path} answered no JSON: ${text.slice(0, 200)}`);
    return payload as T;
  };
}
