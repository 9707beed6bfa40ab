/**
 * The deployed service's background status poller: every 15 s it asks Kaspi about payments 15 s to
 * 10 min old (at most 50 a run), every 3 min about payments 10 min to 24 h old (at most 100 a run),
 * until Processed or Error, and writes the status into paymentlog. Time is the simulator clock, so
 * a test freezes it and advances it instead of waiting.
 *
 * (Kaspi's document forbids polling remote invoices on a timer; the reference service does it
 * anyway, and so does the simulator: that is the behaviour a client of this service meets.)
 */
import type pg from 'pg';
import { findConfig, pendingPayments, updateLogStatus } from '../store.ts';
import type { KaspiGateway } from './gateway.ts';

export interface PollJob {
  name: 'recent' | 'older';
  everyMs: number;
  minAgeMs: number;
  maxAgeMs: number;
  limit: number;
}

export const pollJobs: readonly PollJob[] = [
  { name: 'recent', everyMs: 15_000, minAgeMs: 15_000, maxAgeMs: 10 * 60_000, limit: 50 },
  { name: 'older', everyMs: 3 * 60_000, minAgeMs: 10 * 60_000, maxAgeMs: 24 * 3_600_000, limit: 100 },
];

export interface PollRun {
  job: PollJob['name'];
  at: string;
  checked: number;
  updated: number;
}

export class StatusPoller {
  private readonly nextAt = new Map<PollJob['name'], number>();
  private running: Promise<PollRun[]> = Promise.resolve([]);
  private timer: NodeJS.Timeout | undefined;
  readonly history: PollRun[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly kaspi: () => KaspiGateway,
    private readonly now: () => number,
  ) {
    this.resetSchedule();
  }

  /** Each job first runs one interval after now. */
  resetSchedule(): void {
    for (const job of pollJobs) this.nextAt.set(job.name, this.now() + job.everyMs);
    this.history.length = 0;
  }

  /** A real timer that looks at the simulator clock every second (a frozen clock makes it idle). */
  start(): void {
    this.timer ??= setInterval(() => void this.tick().catch(() => undefined), 1_000);
    this.timer.unref();
  }

  stop(): Promise<unknown> {
    clearInterval(this.timer);
    this.timer = undefined;
    return this.running.catch(() => undefined);
  }

  /**
   * Runs the jobs that are due on the simulator clock, one run each however far the clock jumped
   * (like a process that was suspended), and schedules the next run one interval later.
   */
  tick(): Promise<PollRun[]> {
    this.running = this.running.catch(() => []).then(() => this.runDue());
    return this.running;
  }

  private async runDue(): Promise<PollRun[]> {
    const runs: PollRun[] = [];
    for (const job of pollJobs) {
      const now = this.now();
      if (now < (this.nextAt.get(job.name) ?? 0)) continue;
      this.nextAt.set(job.name, now + job.everyMs);
      runs.push(await this.run(job, now));
    }
    this.history.push(...runs);
    if (this.history.length > 200) this.history.splice(0, this.history.length - 200);
    return runs;
  }

  private async run(job: PollJob, nowMs: number): Promise<PollRun> {
    const due = await pendingPayments(this.pool, { nowMs, ...job });
    let updated = 0;
    for (const payment of due) {
      const config = await findConfig(this.pool, payment.shop_id);
      if (!config?.device_token || payment.external_id === null) continue;
      const result = await this.kaspi().status(
        { organizationBin: config.organization_bin, deviceToken: config.device_token },
        payment.external_id,
      );
      if (!result.ok || result.data.Status === payment.status) continue;
      await updateLogStatus(this.pool, payment.id, result.data.Status);
      updated += 1;
    }
    return { job: job.name, at: new Date(nowMs).toISOString(), checked: due.length, updated };
  }
}
