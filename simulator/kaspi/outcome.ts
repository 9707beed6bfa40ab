/** The result of a domain operation: a value, or the Kaspi StatusCode and message to answer with. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; statusCode: number; message: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const fail = <T>(statusCode: number, message: string): Outcome<T> => ({
  ok: false,
  statusCode,
  message,
});

/** Money is kept in tiyn (1/100 tenge) integers so sums never drift. */
export const toCents = (amount: number): number => Math.round(amount * 100);

export const fromCents = (cents: number): number => cents / 100;

/** Amounts above this are treated as a client bug (a total in tiyn, a concatenated string...). */
export const maxAmount = 1e9;

/** Positive, finite, at most 1e9 and at most 2 decimals (tolerating binary float noise like 0.1+0.2). */
export function isValidAmount(amount: unknown): amount is number {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return false;
  if (amount <= 0 || amount > maxAmount) return false;
  return Math.abs(amount * 100 - toCents(amount)) < 1e-6;
}
