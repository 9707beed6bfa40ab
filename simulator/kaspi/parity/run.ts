/**
 * `runParity`: plays the conversation against a reference Kaspi (or its saved snapshot) and against
 * the simulator, and reports every difference in HTTP status, fields and types, and in the names of
 * the headers each answer came with (the simulator's header block is a stand-in until a snapshot of
 * Kaspi's test host records the real names: README.md, "Header block").
 *
 * The reference's answers are saved to `<snapshotDir>/kaspi-parity.json` the first time (or with
 * `update`); later runs compare the simulator with that snapshot without contacting the reference,
 * so parity can be checked here, where no network reaches Kaspi.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sellers } from '../../../fixtures/organizations.ts';
import { startKaspiSimulator } from '../server.ts';
import { compareAnswers, compareHeaderNames, type Difference } from './compare.ts';
import { conversation, type ConversationContext } from './conversation.ts';
import { exchange, type TlsMaterial, type WireAnswer } from './transport.ts';

export interface ParityOptions {
  /** The reference target (real Kaspi test host, or another simulator). */
  kaspiUrl: string;
  /** PEM client certificate, key and CA for the reference (r2/r3 need a client certificate). */
  cert?: string;
  key?: string;
  ca?: string;
  /** The simulator under comparison; absent: one is started for the run (plain HTTP). */
  simulatorUrl?: string;
  snapshotDir: string;
  /** Re-record the reference snapshot even when one exists. */
  update?: boolean;
  /** The organization BIN the conversation acts for; default: the first fixture seller's. */
  bin?: string;
}

export interface RecordedStep {
  name: string;
  method: string;
  path: string;
  request: unknown;
  answer: WireAnswer;
}

export interface ParityReport {
  /** Where the reference answers came from. */
  reference: 'live' | 'snapshot';
  snapshotFile: string;
  steps: number;
  differences: Difference[];
}

export const snapshotFileName = 'kaspi-parity.json';

async function play(baseUrl: string, bin: string, tls: TlsMaterial): Promise<RecordedStep[]> {
  const ctx: ConversationContext = { bin };
  const recorded: RecordedStep[] = [];
  for (const step of conversation) {
    const path = step.path(ctx);
    const body = step.body?.(ctx);
    const answer = await exchange(baseUrl, step.method, path, body, tls);
    step.remember?.(ctx, answer.body);
    recorded.push({ name: step.name, method: step.method, path, request: body, answer });
  }
  return recorded;
}

export function diffConversations(
  reference: readonly RecordedStep[],
  simulator: readonly RecordedStep[],
): Difference[] {
  const differences: Difference[] = [];
  for (const ref of reference) {
    const sim = simulator.find((step) => step.name === ref.name);
    if (!sim) {
      differences.push({
        step: ref.name,
        path: '(step)',
        kind: 'missing',
        reference: 'played',
        simulator: '-',
      });
      continue;
    }
    if (ref.answer.httpStatus !== sim.answer.httpStatus) {
      differences.push({
        step: ref.name,
        path: '(http)',
        kind: 'http-status',
        reference: String(ref.answer.httpStatus),
        simulator: String(sim.answer.httpStatus),
      });
    }
    differences.push(...compareAnswers(ref.name, ref.answer.body, sim.answer.body));
    differences.push(...compareHeaderNames(ref.name, ref.answer.headerNames, sim.answer.headerNames));
  }
  return differences;
}

export async function runParity(options: ParityOptions): Promise<ParityReport> {
  const bin = options.bin ?? sellers[0]?.bin;
  if (bin === undefined) throw new Error('no BIN: pass `bin` or add sellers to the fixtures');
  const snapshotFile = join(options.snapshotDir, snapshotFileName);

  let reference: RecordedStep[];
  let source: ParityReport['reference'];
  if (options.update === true || !existsSync(snapshotFile)) {
    reference = await play(options.kaspiUrl, bin, { cert: options.cert, key: options.key, ca: options.ca });
    await mkdir(options.snapshotDir, { recursive: true });
    await writeFile(
      snapshotFile,
      `${JSON.stringify({ kaspiUrl: options.kaspiUrl, bin, steps: reference }, null, 2)}\n`,
    );
    source = 'live';
  } else {
    reference = (JSON.parse(await readFile(snapshotFile, 'utf8')) as { steps: RecordedStep[] }).steps;
    source = 'snapshot';
  }

  const own = options.simulatorUrl === undefined ? await startKaspiSimulator({ tls: false }) : undefined;
  try {
    const simulator = await play(options.simulatorUrl ?? own!.url, bin, {});
    return {
      reference: source,
      snapshotFile,
      steps: reference.length,
      differences: diffConversations(reference, simulator),
    };
  } finally {
    await own?.stop();
  }
}

export function formatReport(report: ParityReport): string {
  const lines = [
    `parity: ${report.steps} steps, reference from ${report.reference} (${report.snapshotFile})`,
    report.differences.length === 0 ? 'no differences' : `${report.differences.length} difference(s):`,
  ];
  for (const d of report.differences) {
    lines.push(`  ${d.step} · ${d.path} · ${d.kind}: reference ${d.reference}, simulator ${d.simulator}`);
  }
  return lines.join('\n');
}
