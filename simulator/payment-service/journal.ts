/** A bounded, in-memory record of the requests the service answered, newest last. */

export interface Served {
  time: string;
  method: string;
  path: string;
  /** 0 when no answer was sent (a blackholed, reset or truncated request). */
  status: number;
  latencyMs: number;
  /** The served route (`GET /admin/configs/{shop_id}`), absent for unknown routes. */
  route?: string;
  /** The injected faults that shaped this answer (`latency+http-status`), if any. */
  fault?: string;
  /** Set when the route is not served by the current profile: contract drift. */
  drift?: boolean;
}

export class RequestJournal {
  private entries: Served[] = [];

  constructor(private readonly capacity = 1_000) {}

  record(entry: Served): void {
    this.entries.push(entry);
    // Trim in batches: an O(n) splice per request would cost more than the request itself.
    if (this.entries.length > this.capacity * 1.25) this.entries = this.entries.slice(-this.capacity);
  }

  /** The newest `limit` entries (all kept ones by default), oldest first. */
  recent(limit = this.capacity): Served[] {
    return this.entries.slice(-Math.min(limit, this.capacity));
  }

  clear(): void {
    this.entries = [];
  }
}
