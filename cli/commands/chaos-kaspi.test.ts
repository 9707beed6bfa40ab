/** `chaos kaspi …` switches a fault on a running Kaspi simulator, and the next matching request feels it. */
import { describe, expect, it, vi } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { faultSpec, startKaspiSimulator } from '../../simulator/kaspi/index.ts';
import { wireExchange } from '../../simulator/kaspi/test-helpers.ts';
import { chaosCommand } from './chaos.ts';

const parts = useParts(assemble().with('kaspi', () => startKaspiSimulator({ tls: false })));

const qrCreate = async () =>
  (await (
    await fetch(`${parts.kaspi.url}/r3/v01/qr/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
  ).json()) as { StatusCode: number };

describe('chaos kaspi', () => {
  it('answers the next qr/create with the injected StatusCode, once, then lists and clears', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const args = ['--control-url', parts.kaspi.controlUrl];
      await chaosCommand.run([
        'kaspi',
        'status-code',
        '--status-code=-999',
        '--path',
        'qr/create',
        '--times',
        '1',
        ...args,
      ]);
      expect((await qrCreate()).StatusCode).toBe(-999);
      expect((await qrCreate()).StatusCode).not.toBe(-999);
      await chaosCommand.run(['kaspi', 'latency', '--ms', '5', ...args]);
      expect(await parts.kaspi.faults.list()).toHaveLength(1);
      await chaosCommand.run(['kaspi', 'clear', ...args]);
      expect(await parts.kaspi.faults.list()).toHaveLength(0);
    } finally {
      print.mockRestore();
    }
  });

  it('header-block: the next answer comes after an Early Hints, with the extra cookie bytes', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await chaosCommand.run([
        'kaspi',
        'header-block',
        '--path',
        'health/ping',
        '--early-hints',
        '2',
        '--extra-bytes',
        '3000',
        '--times',
        '1',
        '--control-url',
        parts.kaspi.controlUrl,
      ]);
      expect(await parts.kaspi.faults.list()).toMatchObject([
        { fault: { kind: 'header-block', earlyHints: 2, extraBytes: 3000 }, remaining: 1 },
      ]);
      const answer = await wireExchange(parts.kaspi.url, 'GET', '/r1/v01/health/ping');
      expect(answer.head.match(/^HTTP\/1\.1 103 /gm)).toHaveLength(2);
      expect(answer.headers.filter(([name]) => name === 'Set-Cookie').length).toBeGreaterThan(0);
      expect(await parts.kaspi.faults.list()).toEqual([]);
    } finally {
      print.mockRestore();
    }
  });

  it('blackhole (once hang): the next request is never answered', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await chaosCommand.run([
        'kaspi',
        'blackhole',
        '--path',
        'qr/create',
        '--times',
        '1',
        '--control-url',
        parts.kaspi.controlUrl,
      ]);
      expect(await parts.kaspi.faults.list()).toMatchObject([
        { match: { path: 'qr/create' }, fault: { kind: 'blackhole' }, remaining: 1 },
      ]);
      const unanswered = fetch(`${parts.kaspi.url}/r3/v01/qr/create`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(300),
      });
      await expect(unanswered).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      print.mockRestore();
    }
  });

  it('refuses an unknown fault, and an old name with the new one, before asking the simulator', async () => {
    const nowhere = ['--control-url', 'http://127.0.0.1:9'];
    await expect(chaosCommand.run(['kaspi', 'meteor', ...nowhere])).rejects.toThrow(
      /unknown kaspi fault "meteor"/,
    );
    await expect(chaosCommand.run(['kaspi', 'hang', ...nowhere])).rejects.toThrow(
      /^"hang" is now "blackhole": kaspi-harness chaos kaspi blackhole/,
    );
    await expect(
      chaosCommand.run(['kaspi', 'latency', '--ms', '5', '--route', 'x', ...nowhere]),
    ).rejects.toThrow(/--route is now --method M --path P/);
    await expect(chaosCommand.run(['kaspi', 'reset', '--ms', '5', ...nowhere])).rejects.toThrow(
      /--ms is not an option of reset/,
    );
    await expect(
      chaosCommand.run(['kaspi', 'latency', '--ms', '5', '--scheme', 'r4', ...nowhere]),
    ).rejects.toThrow(/^--scheme: /);
  });

  it('lists every kind of the schema with its options', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await chaosCommand.run(['kaspi', 'list']);
      const listed = String(print.mock.calls[0]?.[0]);
      for (const kind of faultSpec.options.map((option) => option.shape.kind.value))
        expect(listed).toMatch(new RegExp(`^  ${kind}$`, 'm'));
      expect(listed).toContain('--early-hints N (optional): interim 103 Early Hints answers');
      expect(listed).toContain('--seed N (optional)');
    } finally {
      print.mockRestore();
    }
  });
});
