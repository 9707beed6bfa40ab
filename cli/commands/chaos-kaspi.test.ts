/** `chaos kaspi …` switches a fault on a running Kaspi simulator, and the next matching request feels it. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startKaspiSimulator, type KaspiSimulator } from '../../simulator/kaspi/index.ts';
import { chaosCommand } from './chaos.ts';

let kaspi: KaspiSimulator;
beforeAll(async () => {
  kaspi = await startKaspiSimulator({ tls: false });
});
afterAll(() => kaspi.close());

const qrCreate = async () =>
  (await (
    await fetch(`${kaspi.url}/r3/v01/qr/create`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
  ).json()) as { StatusCode: number };

describe('chaos kaspi', () => {
  it('answers the next qr/create with the injected StatusCode, once, then lists and clears', async () => {
    const print = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const args = ['--control-url', kaspi.controlUrl];
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
      expect(await kaspi.faults.list()).toHaveLength(1);
      await chaosCommand.run(['kaspi', 'clear', ...args]);
      expect(await kaspi.faults.list()).toHaveLength(0);
    } finally {
      print.mockRestore();
    }
  });

  it('refuses an unknown fault with a usage error', async () => {
    await expect(chaosCommand.run(['kaspi', 'meteor', '--control-url', kaspi.controlUrl])).rejects.toThrow(
      /unknown Kaspi fault "meteor"/,
    );
  });
});
