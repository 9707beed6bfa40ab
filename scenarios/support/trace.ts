/**
 * The hops of one payment — customer → Bitrix, Bitrix → payment-service, Bitrix → Kaspi — read from
 * the simulators' journals for the time window of each step (the checkout, then a status check, a
 * refund …). Hops of payments made concurrently on the same stack can interleave; Kaspi hops are
 * narrowed to the BINs the payment concerns.
 */
import type { TaskMeta } from 'vitest';
import type { KaspiHop, ServiceHop } from './causes.ts';
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

export interface Window {
  from: Date;
  to: Date;
}

export interface StepTrace {
  hops: TraceHop[];
  /** Kaspi's journal entries of the step, as the diagnosis reads them. */
  kaspi: KaspiHop[];
  /** The payment-service's journal entries of the step. */
  service: ServiceHop[];
}

/** One step's hops: what the customer (or the scenario) asked Bitrix, and what Bitrix asked the others. */
export async function collectTrace(
  stack: StackClients,
  window: Window,
  step: { request: string; answer: string; ms: number },
  /** Which Kaspi journal entries belong to this payment, by the BIN and device token they name. */
  concerns: (entry: { organizationBin: string | null; deviceToken: string | null }) => boolean = () => true,
): Promise<StepTrace> {
  const inWindow = (time: string) => {
    const at = Date.parse(time);
    return at >= window.from.getTime() - 5 && at <= window.to.getTime() + 5;
  };
  const [kaspiJournal, serviceJournal] = await Promise.all([
    stack.kaspi.journal({ from: new Date(window.from.getTime() - 5).toISOString() }).catch(() => []),
    stack.paymentService.requests(200).catch(() => []),
  ]);
  const kaspi = kaspiJournal.filter((entry) => inWindow(entry.time) && concerns(entry));
  const service = serviceJournal.filter((entry) => inWindow(entry.time));
  const hops: TraceHop[] = [
    { at: window.from.toISOString(), from: 'customer', to: 'Bitrix', ...step },
    ...service.map((entry) => ({
      at: entry.time,
      from: 'Bitrix' as const,
      to: 'payment-service' as const,
      request: `${entry.method} ${entry.path}`,
      answer:
        (entry.status === 0 ? 'no answer' : `HTTP ${entry.status}`) +
        (entry.fault ? ` (${entry.fault})` : '') +
        (entry.drift ? ' — not served by the contract' : ''),
      ms: Math.round(entry.latencyMs),
    })),
    ...kaspi.map((entry) => ({
      at: entry.time,
      from: 'Bitrix' as const,
      to: 'Kaspi' as const,
      request: `${entry.method} ${entry.path}${entry.organizationBin ? ` (BIN ${entry.organizationBin})` : ''}`,
      answer:
        (entry.statusCode === null ? `HTTP ${entry.httpStatus}` : `StatusCode ${entry.statusCode}`) +
        (entry.fault ? ` (${entry.fault})` : ''),
      ms: Math.round(entry.latencyMs),
    })),
  ];
  return {
    hops: hops.sort((a, b) => a.at.localeCompare(b.at)),
    kaspi: kaspi.map((entry) => ({
      method: entry.method,
      path: entry.path,
      organizationBin: entry.organizationBin,
      deviceToken: entry.deviceToken,
      httpStatus: entry.httpStatus,
      statusCode: entry.statusCode,
      ...(entry.nearMiss ? { nearMiss: entry.nearMiss } : {}),
    })),
    service: service.map((entry) => ({
      method: entry.method,
      path: entry.path,
      status: entry.status,
      ...(entry.fault ? { fault: entry.fault } : {}),
      ...(entry.drift ? { drift: true } : {}),
    })),
  };
}

/**
 * Adds a later step of the payment (a status check, a refund, a report to the payment-service) to the
 * trace the check already carries, so that a failing check shows every hop of its scenario.
 */
export async function traceStep(
  stack: StackClients,
  meta: TaskMeta,
  step: { request: string; answer: string; startedAt: Date; ms: number },
  bins: readonly string[],
): Promise<StepTrace> {
  const window = { from: step.startedAt, to: new Date(step.startedAt.getTime() + step.ms) };
  const traced = await collectTrace(
    stack,
    window,
    step,
    (entry) => entry.organizationBin === null || bins.includes(entry.organizationBin),
  );
  if (meta.routing) meta.routing.trace = [...(meta.routing.trace ?? []), ...traced.hops];
  return traced;
}
