/**
 * Sends hostile cases to a simulator's listeners with bounded concurrency and judges every outcome:
 * an HTTP answer (no hang, no closed connection), below 500, in the listener's own shape for the
 * answers it makes itself, with no stack trace and no file content in it, and what the case itself
 * expects. Counts per simulator what came back: the tally the READMEs record.
 */
import type { HostileCase } from './generate.ts';
import { exchange, type Endpoint, type Outcome } from './wire.ts';

export interface Target {
  /** `plain listener`, `r3 listener`, `control API`… */
  name: string;
  endpoint: Endpoint;
  /** What is wrong with an answer's JSON body for this listener, if anything. */
  shape(status: number, body: unknown): string | undefined;
  cases: readonly HostileCase[];
}

export interface Tally {
  sent: number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  /** Closed or reset without an HTTP answer. */
  'no reply': number;
  /** No answer and no close within the time allowed. */
  hangs: number;
}

export const emptyTally = (): Tally => ({
  sent: 0,
  '2xx': 0,
  '3xx': 0,
  '4xx': 0,
  '5xx': 0,
  'no reply': 0,
  hangs: 0,
});

const stackTrace = /\n\s+at \S[^\n]*\(|node:internal|\.[cm]?[jt]s:\d+:\d+|file:\/\//;
const fileContent = /root:x:0:0|\bPATH=\/|BEGIN [A-Z ]*PRIVATE KEY/;

function count(tally: Tally, outcome: Outcome): void {
  tally.sent += 1;
  if (outcome.kind === 'hang') tally.hangs += 1;
  else if (outcome.kind === 'no-reply') tally['no reply'] += 1;
  else {
    const key = `${Math.floor(outcome.status / 100)}xx` as keyof Tally;
    if (key in tally) tally[key] += 1;
  }
}

/** What is wrong with this outcome, if anything. */
export function judge(target: Target, hostile: HostileCase, outcome: Outcome): string | undefined {
  if (outcome.kind === 'hang') return `no answer within the time allowed (${outcome.ms} ms)`;
  if (outcome.kind === 'no-reply') return `no HTTP answer: ${outcome.detail}`;
  const { status, body, headers } = outcome;
  if (status >= 500) return `HTTP ${status}: ${body.slice(0, 200)}`;
  if (hostile.expect && !hostile.expect.includes(status))
    return `HTTP ${status}, expected ${hostile.expect.join(' or ')}: ${body.slice(0, 200)}`;
  if (hostile.withinMs !== undefined && outcome.ms > hostile.withinMs)
    return `answered after ${outcome.ms} ms, later than ${hostile.withinMs} ms`;
  if (stackTrace.test(body)) return `a stack trace in the answer: ${body.slice(0, 200)}`;
  if (fileContent.test(body)) return `file content in the answer: ${body.slice(0, 200)}`;
  if (!(headers['content-type'] ?? '').startsWith('application/json')) {
    // Answers Node makes itself (400, 408, 431 for what it cannot parse) have no body to judge; a
    // page (the dashboard) is no error.
    return status >= 400 && body.length > 0
      ? `a ${status} answer that is not JSON: ${body.slice(0, 100)}`
      : undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `an answer that says it is JSON and is not: ${body.slice(0, 100)}`;
  }
  return target.shape(status, parsed);
}

export interface HostileRun {
  tally: Tally;
  byTarget: Record<string, Tally>;
  failures: string[];
}

export async function runHostile(
  targets: readonly Target[],
  options: { concurrency: number; timeoutMs: number },
): Promise<HostileRun> {
  const jobs = targets.flatMap((target) => target.cases.map((hostile) => ({ target, hostile })));
  const tally = emptyTally();
  const byTarget: Record<string, Tally> = Object.fromEntries(targets.map((t) => [t.name, emptyTally()]));
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { target, hostile } = jobs[next++]!;
      const outcome = await exchange(target.endpoint, hostile.request, options.timeoutMs);
      count(tally, outcome);
      count(byTarget[target.name]!, outcome);
      const problem = judge(target, hostile, outcome);
      if (problem) failures.push(`${target.name} · ${hostile.label}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { tally, byTarget, failures };
}

/** One line per tally, for the test's output and the READMEs. */
export function tallyLine(name: string, tally: Tally): string {
  return `${name}: sent ${tally.sent}, 2xx ${tally['2xx']}, 3xx ${tally['3xx']}, 4xx ${tally['4xx']}, 5xx ${tally['5xx']}, no reply ${tally['no reply']}, hangs ${tally.hangs}`;
}
