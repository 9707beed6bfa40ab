/** Requests to routes the current profile does not serve: what a contract mismatch looks like in a run. */
import { nearestRoutes } from './nearest.ts';

export interface DriftEntry {
  time: string;
  method: string;
  /** Path and query as the client sent them. */
  path: string;
  /** The profile that answered 404 (or 405). */
  profile: string;
  /** The served routes closest to what was asked, best first. */
  nearest: string[];
}

export class DriftLog {
  private entries: DriftEntry[] = [];

  constructor(private readonly capacity = 1_000) {}

  record(method: string, path: string, profile: string, served: readonly string[]): DriftEntry {
    const entry = {
      time: new Date().toISOString(),
      method,
      path,
      profile,
      nearest: nearestRoutes(method, path, served),
    };
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
    return entry;
  }

  list(): DriftEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
