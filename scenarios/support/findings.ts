/**
 * Findings: what a scenario noticed besides where the money went — contract drift, unexpected egress,
 * a dead stack service, a slow timeout. They go into the report next to the routing matrix.
 */
import type { TaskMeta } from 'vitest';

/** Something a scenario found that is not a routing verdict: contract drift, a slow timeout, a log in the wrong place. */
export interface Finding {
  /** The suite that found it: `contract`, `fallback`, … */
  suite: string;
  /** Stable machine key, e.g. `drift:GET /api/payment/config` or `timeout:blackhole`. */
  key: string;
  severity: 'info' | 'warning' | 'defect';
  /** One line a person can act on. */
  message: string;
  /** Measurements or raw evidence (ms, status codes, paths). */
  evidence?: Record<string, string | number | boolean | null>;
}

declare module 'vitest' {
  interface TaskMeta {
    findings?: Finding[];
  }
}

export function recordFinding(meta: TaskMeta, finding: Finding): void {
  (meta.findings ??= []).push(finding);
}
