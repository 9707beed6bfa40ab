/**
 * Bounded record of every request the Kaspi listener answered. A ring buffer, so a soak run of
 * millions of requests keeps memory flat and the newest entries are always the ones kept.
 */
import type { JournalEntry, JournalFilter } from './types.ts';

export const defaultJournalSize = 10_000;

/** Epoch ms of an ISO 8601 string or a number; `undefined` when absent. Invalid input is the caller's. */
function timeBound(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? value : Date.parse(value);
}

export class Journal {
  private readonly buffer: (JournalEntry | undefined)[];
  /** Index the next entry goes to. */
  private head = 0;
  private count = 0;
  /** Everything ever recorded since the last clear, including entries pushed out of the buffer. */
  private recorded = 0;

  constructor(readonly capacity: number = defaultJournalSize) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('journal capacity must be a positive integer');
    this.buffer = new Array<JournalEntry | undefined>(capacity);
  }

  record(entry: JournalEntry): void {
    this.buffer[this.head] = entry;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count += 1;
    this.recorded += 1;
  }

  get size(): number {
    return this.count;
  }

  get total(): number {
    return this.recorded;
  }

  clear(): void {
    this.buffer.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.recorded = 0;
  }

  /** Oldest first; `limit` keeps the most recent N of the matching entries. */
  entries(filter: JournalFilter = {}): JournalEntry[] {
    const result: JournalEntry[] = [];
    const from = timeBound(filter.from);
    const to = timeBound(filter.to);
    const start = (this.head - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i += 1) {
      const entry = this.buffer[(start + i) % this.capacity];
      if (!entry) continue;
      if (filter.bin !== undefined && entry.organizationBin !== filter.bin) continue;
      if (filter.deviceToken !== undefined && entry.deviceToken !== filter.deviceToken) continue;
      if (filter.path !== undefined && !entry.path.includes(filter.path)) continue;
      if (from !== undefined || to !== undefined) {
        const time = Date.parse(entry.time);
        if (from !== undefined && time < from) continue;
        if (to !== undefined && time > to) continue;
      }
      result.push(entry);
    }
    return filter.limit !== undefined && filter.limit >= 0
      ? result.slice(result.length - filter.limit)
      : result;
  }
}
