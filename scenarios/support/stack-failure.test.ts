/** A dead stack service is named, in one line, as soon as it is recorded, and not before. */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { recordDeath } from '../../platform/health.ts';
import { failIfStackDied, stackFailureAfter } from './stack-failure.ts';

const parts = useParts(assemble().with('dir', () => scratchDir('kh-stack-failure-')));

describe('stack failures', () => {
  it('lets tests run while nothing died, and names the dead service once something did', async () => {
    const healthFile = join(parts.dir.path, 'health.jsonl');
    expect(() => failIfStackDied(healthFile)).not.toThrow();
    expect(await stackFailureAfter(healthFile, 0)).toBeUndefined();
    recordDeath(healthFile, {
      service: 'sandbox container',
      at: '2026-12-04T06:50:42.300Z',
      message:
        'sandbox container exited unexpectedly (code 1). Last log lines:\nTypeError [ERR_INVALID_HANDLE_TYPE]: This handle type cannot be sent',
    });
    expect(() => failIfStackDied(healthFile)).toThrow(
      "STACK FAILURE, not a test result: sandbox container died (2026-12-04T06:50:42.300Z: sandbox container exited unexpectedly (code 1)); see the run's logs",
    );
  });

  it('waits a moment for a death its watcher is still writing, after a test failed', async () => {
    const healthFile = join(parts.dir.path, 'late.jsonl');
    setTimeout(
      () =>
        appendFileSync(
          healthFile,
          `${JSON.stringify({ service: 'payment-service database', at: 'now', message: 'the payment-service simulator lost its PostgreSQL: connect ECONNREFUSED' })}\n`,
        ),
      300,
    );
    expect(await stackFailureAfter(healthFile, 2_000)).toMatch(
      /^STACK FAILURE, not a test result: payment-service database died \(now: the payment-service simulator lost its PostgreSQL: connect ECONNREFUSED\)/,
    );
  });
});
