/**
 * Whether the simulator's PostgreSQL still answers: a `SELECT 1` every second on a connection of its
 * own (bounded by a 2 s timeout, so a stopped server counts as gone too), and at once when a pooled
 * connection breaks. Health answers 503 with the reason while it is gone, the control API's state
 * says so, and each change is reported once (the process prints one line; a stack records a death).
 * Without it, a killed PostgreSQL left health at 200 and every route failing with a bare 500.
 */
import pg from 'pg';

export type DatabaseState = { reachable: true } | { reachable: false; problem: string; since: string };

export interface DatabaseWatchOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** Called once per change, lost or back. */
  onChange?(state: DatabaseState): void;
}

/** One line, without credentials: what the driver said went wrong. */
function problemOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const line = message.split('\n')[0]!.replace(/postgres(ql)?:\/\/[^@\s]*@/g, 'postgres://');
  return typeof code === 'string' && !line.includes(code) ? `${line} (${code})` : line;
}

export class DatabaseWatch {
  private current: DatabaseState = { reachable: true };
  private readonly probePool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;

  constructor(
    databaseUrl: string,
    private readonly options: DatabaseWatchOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
    const timeoutMs = options.timeoutMs ?? 2_000;
    this.probePool = new pg.Pool({
      connectionString: databaseUrl,
      max: 1,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      application_name: 'payment-service-simulator-watch',
    });
    // Its idle connection breaking is what a probe then finds out: never an unhandled error.
    this.probePool.on('error', () => this.probeSoon());
  }

  get state(): DatabaseState {
    return this.current;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.probeSoon(), this.intervalMs);
    this.timer.unref();
  }

  /** Probes now (a pooled connection just broke), unless a probe is already running. */
  probeSoon(): void {
    if (this.stopped || this.probing) return;
    this.probing = this.probe().finally(() => (this.probing = undefined));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.probing;
    await this.probePool.end().catch(() => undefined);
  }

  private async probe(): Promise<void> {
    let next: DatabaseState;
    try {
      await this.probePool.query('SELECT 1');
      next = { reachable: true };
    } catch (error) {
      next = this.current.reachable
        ? { reachable: false, problem: problemOf(error), since: new Date().toISOString() }
        : this.current;
    }
    if (this.stopped || next.reachable === this.current.reachable) return;
    this.current = next;
    this.options.onChange?.(next);
  }
}
