/**
 * The hops of one payment — customer → Bitrix, Bitrix → payment-service, Bitrix → Kaspi — read from
 * the simulators' journals for the checkout's time window. Hops of payments made concurrently on the
 * same stack can interleave; Kaspi hops are narrowed to the payment's BIN when it is known.
 */
import type { StackClients } from './stack-context.ts';

export interface TraceHop {
  /** ISO 8601 time the hop's request arrived. */
  at: string;
  from: 'customer' | 'Bitrix';
  to: 'Bitrix' | 'payment-service' | 'Kaspi';
  request: string;
  answer: string;
  ms: number;
}

export async function collectTrace(
  stack: StackClients,
  window: { from: Date; to: Date },
  checkout: { request: string; answer: string; ms: number },
  bin: string | null,
): Promise<TraceHop[]> {
  const inWindow = (time: string) => {
    const at = Date.parse(time);
    return at >= window.from.getTime() - 5 && at <= window.to.getTime() + 5;
  };
  const [kaspi, paymentService] = await Promise.all([
    stack.kaspi.journal({ from: window.from.toISOString() }).catch(() => []),
    stack.paymentService.requests(200).catch(() => []),
  ]);
  const hops: TraceHop[] = [
    { at: window.from.toISOString(), from: 'customer', to: 'Bitrix', ...checkout },
    ...paymentService
      .filter((entry) => inWindow(entry.time))
      .map((entry) => ({
        at: entry.time,
        from: 'Bitrix' as const,
        to: 'payment-service' as const,
        request: `${entry.method} ${entry.path}`,
        answer:
          entry.status === 0
            ? `no answer${entry.fault ? ` (${entry.fault})` : ''}`
            : `HTTP ${entry.status}${entry.fault ? ` (${entry.fault})` : ''}`,
        ms: Math.round(entry.latencyMs),
      })),
    ...kaspi
      .filter(
        (entry) => inWindow(entry.time) && (!bin || !entry.organizationBin || entry.organizationBin === bin),
      )
      .map((entry) => ({
        at: entry.time,
        from: 'Bitrix' as const,
        to: 'Kaspi' as const,
        request: `${entry.method} ${entry.path}${entry.organizationBin ? ` (BIN ${entry.organizationBin})` : ''}`,
        answer: entry.statusCode === null ? `HTTP ${entry.httpStatus}` : `StatusCode ${entry.statusCode}`,
        ms: Math.round(entry.latencyMs),
      })),
  ];
  return hops.sort((a, b) => a.at.localeCompare(b.at));
}
