/** `chaos kaspi …` switches a fault on a running Kaspi simulator, and the next matching request feels it. */
import { describe, expect, it, vi } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { startKaspiSimulator } from '../../simulator/kaspi/index.ts';
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

  it('refuses an unknown fault with a usage error', async () => {
    await expect(
      chaosCommand.run(['kaspi', 'meteor', '--control-url', parts.kaspi.controlUrl]),
    ).rejects.toThrow(/unknown Kaspi fault "meteor"/);
  });
});
