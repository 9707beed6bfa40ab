/**
 * A killed PostgreSQL under the payment-service simulator: within seconds health answers 503 with
 * the reason (both contracts' health routes), the control API's state says so, the process prints
 * one line naming it, a stack's watch (platform/health.ts, both providers) records the death by name,
 * and all of it turns back once a PostgreSQL answers on that address again.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble, running, type Running } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { serviceDeaths, watchPaymentServiceDatabase } from '../../platform/health.ts';
import { startPostgres, type RunningPostgres } from '../../platform/postgres.ts';
import { signalGroup } from '../../platform/process.ts';
import { PaymentServiceControlClient } from './control-client.ts';
import type { DatabaseState } from './database-watch.ts';
import { startPaymentServiceSimulator } from './server.ts';

const changes: DatabaseState[] = [];
const printed: string[] = [];
/** The PostgreSQL the test brings back on the same address. */
let revived: RunningPostgres | undefined;

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-database-watch-'))
    .with('postgres', ({ dir }) => startPostgres({ runDir: join(dir.path, 'first') }))
    // Stops the revived PostgreSQL, if any, once the simulator has stopped.
    .with('revived', async () => running<Running>({}, async () => revived?.stop()))
    .with('simulator', ({ postgres }) =>
      startPaymentServiceSimulator({
        databaseUrl: postgres.url,
        profile: 'both',
        onDatabaseChange: (state) => changes.push(state),
      }),
    ),
);
afterAll(() => vi.restoreAllMocks());

const health = async (path: string) => {
  const response = await fetch(`${parts.simulator.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

async function within<T>(ms: number, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the database watch', () => {
  it('turns health to 503 with the reason within seconds of PostgreSQL being killed, and back', async () => {
    const control = new PaymentServiceControlClient(parts.simulator.controlUrl);
    expect(await health('/api/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await control.state()).database).toEqual({ reachable: true });
    const healthFile = join(parts.dir.path, 'health.jsonl');
    const stackWatch = watchPaymentServiceDatabase(healthFile, parts.simulator.controlUrl, 200);
    const lines = vi
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => void printed.push(String(line)));

    const killedAt = Date.now();
    signalGroup(parts.postgres.process.pid, 'SIGKILL');
    const down = await within(
      5_000,
      () => health('/api/health'),
      (answer) => answer.status === 503,
    );
    const noticedMs = Date.now() - killedAt;
    expect(down.status).toBe(503);
    expect(noticedMs).toBeLessThan(5_000);
    expect(String(down.body.detail)).toMatch(
      /^Database unavailable: .*(ECONNREFUSED|terminat|closed|reset)/i,
    );
    expect((await health('/health')).status).toBe(503);
    const state = (await control.state()).database;
    expect(state).toMatchObject({ reachable: false, problem: expect.any(String) });
    // The control API still answers, and what needs the database says why it cannot.
    expect((await control.state()).up).toBe(true);
    await expect(control.configs()).rejects.toThrow(/503 .*its PostgreSQL is unreachable since/);
    expect(printed).toEqual([
      expect.stringMatching(
        /^payment-service simulator: its PostgreSQL is unreachable \(.+\); health answers 503/,
      ),
    ]);
    expect(changes).toEqual([expect.objectContaining({ reachable: false })]);
    await within(
      2_000,
      async () => serviceDeaths(healthFile),
      (deaths) => deaths.length > 0,
    );
    expect(serviceDeaths(healthFile)).toEqual([
      {
        service: 'payment-service database',
        at: (state as { since: string }).since,
        message: `the payment-service simulator lost its PostgreSQL: ${(state as { problem: string }).problem}`,
      },
    ]);

    // A PostgreSQL on the same address again: health follows, with one more line.
    revived = await startPostgres({ runDir: join(parts.dir.path, 'second'), port: parts.postgres.port });
    const up = await within(
      5_000,
      () => health('/api/health'),
      (answer) => answer.status === 200,
    );
    expect(up).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await control.state()).database).toEqual({ reachable: true });
    expect(printed).toHaveLength(2);
    expect(printed[1]).toBe('payment-service simulator: its PostgreSQL answers again; health is back to 200');
    expect(changes.map((change) => change.reachable)).toEqual([false, true]);
    // Recorded once, not once a poll.
    expect(serviceDeaths(healthFile)).toHaveLength(1);
    stackWatch.stop();
    lines.mockRestore();
  }, 60_000);
});
