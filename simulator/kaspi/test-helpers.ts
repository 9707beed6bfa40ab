import { sellers, type Seller } from '../../fixtures/organizations.ts';

/** Small HTTP helpers shared by the simulator's tests. */
export interface Answer {
  httpStatus: number;
  body: Record<string, unknown>;
}

export async function call(url: string, init: { method?: string; body?: string } = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    body: init.body,
  });
  const text = await response.text();
  // A non-JSON answer is a test failure in itself: the simulator must always answer JSON.
  return { httpStatus: response.status, body: JSON.parse(text) as Record<string, unknown> };
}

export const post = (url: string, body: unknown): Promise<Answer> =>
  call(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

export function data(answer: Answer): Record<string, unknown> {
  return answer.body.Data as Record<string, unknown>;
}

export function sellerAt(index: number): Seller {
  const seller = sellers[index];
  if (!seller) throw new Error(`fixtures need at least ${index + 1} sellers`);
  return seller;
}
