import { request } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { ControlApiError } from '../../platform/http/control-client.ts';
import { KaspiControlClient } from './control-client.ts';
import { FaultRegistry } from './faults.ts';
import { startKaspiSimulator } from './server.ts';
import { post, sellerAt } from './test-helpers.ts';

const orgA = sellerAt(0);
const orgB = sellerAt(1);

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator())
    .value('control', ({ sim }) => new KaspiControlClient(sim.controlUrl)),
);
beforeEach(async () => {
  await parts.control.reset();
});

const createFor = (org: typeof orgA) =>
  post(`${parts.sim.url}/r3/v01/qr/create`, {
    DeviceToken: org.deviceToken,
    Amount: 100,
    OrganizationBin: org.bin,
  });

/** One raw request over a fresh socket: what reached the client, or how the socket failed. */
function rawRequest(
  path: string,
  timeoutMs = 2_000,
): Promise<{ kind: 'answer'; status: number } | { kind: 'error'; code: string }> {
  return new Promise((resolve) => {
    const req = request(`${parts.sim.url}${path}`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ kind: 'answer', status: res.statusCode ?? 0 }));
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'error', code: error.code ?? error.message }),
      );
    });
    req.on('timeout', () => {
      req.destroy(new Error('client timeout'));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'error', code: error.code ?? error.message }),
    );
    req.end();
  });
}

describe('status-code faults', () => {
  it('answer the given StatusCode for the next N matching requests, then stop', async () => {
    const id = await parts.control.addFault({
      match: { path: 'qr/create' },
      fault: { kind: 'status-code', statusCode: -999 },
      times: 2,
    });
    expect(id).toMatch(/^f\d+$/);
    const codes = [];
    for (let i = 0; i < 3; i += 1) codes.push((await createFor(orgA)).body.StatusCode);
    expect(codes).toEqual([-999, -999, 0]);
    expect(await parts.control.faults()).toEqual([]);
    const journal = await parts.control.journal({ path: 'qr/create' });
    expect(journal.map((e) => e.fault ?? null)).toEqual(['status-code', 'status-code', null]);
  });

  it('match per BIN: only the named organization fails', async () => {
    await parts.control.addFault({
      match: { bin: orgB.bin },
      fault: { kind: 'status-code', statusCode: 990000018, httpStatus: 200 },
    });
    expect((await createFor(orgA)).body.StatusCode).toBe(0);
    expect((await createFor(orgB)).body).toEqual({ StatusCode: 990000018, Message: 'Injected fault' });
    // r1 has no BIN in the body: the token's owner decides.
    const r1 = await post(`${parts.sim.url}/r1/v01/qr/create`, { DeviceToken: orgB.deviceToken, Amount: 5 });
    expect(r1.body.StatusCode).toBe(990000018);
  });

  it('fire with a seeded probability, repeatably', async () => {
    const pattern = async () => {
      await parts.control.reset();
      await parts.control.addFault({
        match: { path: 'health/ping' },
        fault: { kind: 'status-code', statusCode: -10000 },
        probability: 0.5,
        seed: 42,
      });
      const codes: unknown[] = [];
      for (let i = 0; i < 40; i += 1) {
        const response = await fetch(`${parts.sim.url}/r1/v01/health/ping`);
        codes.push(((await response.json()) as { StatusCode: number }).StatusCode);
      }
      return codes;
    };
    const first = await pattern();
    expect(await pattern()).toEqual(first);
    const failures = first.filter((code) => code === -10000).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
  });

  it('are listed and removed one by one or all at once; bad rules are refused', async () => {
    const a = await parts.control.addFault({ fault: { kind: 'latency', ms: 1 } });
    await parts.control.addFault({ match: { scheme: 'r2' }, fault: { kind: 'reset' } });
    expect((await parts.control.faults()).map((f) => f.fault.kind)).toEqual(['latency', 'reset']);
    expect(await parts.control.removeFaults(a)).toBe(1);
    await expect(parts.control.removeFaults(a)).rejects.toMatchObject({ httpStatus: 404 });
    expect(await parts.control.removeFaults()).toBe(1);
    await expect(parts.control.addFault({ fault: { kind: 'explode' } } as never)).rejects.toBeInstanceOf(
      ControlApiError,
    );
    await expect(parts.control.addFault({ fault: { kind: 'latency', ms: -1 } })).rejects.toMatchObject({
      httpStatus: 400,
    });
  });

  it('refuse a kind by its old name, naming the new one', async () => {
    for (const [old, now] of [
      ['hang', 'blackhole'],
      ['slow', 'latency'],
      ['status', 'http-status'],
    ]) {
      await expect(parts.control.addFault({ fault: { kind: old } } as never)).rejects.toMatchObject({
        httpStatus: 400,
        code: 'invalid_body',
        reason: `fault.kind: fault kind "${old}" is now "${now}"`,
      });
    }
  });
});

describe('http-status faults', () => {
  it('answer the status with the simulator’s own error envelope, or the body given', async () => {
    await parts.control.addFault({
      match: { path: 'qr/create' },
      fault: { kind: 'http-status', status: 503 },
      times: 1,
    });
    const envelope = await createFor(orgA);
    expect(envelope.httpStatus).toBe(503);
    expect(envelope.body).toEqual({ StatusCode: -999, Message: 'Service Unavailable' });
    await parts.control.addFault({
      match: { method: 'post' },
      fault: { kind: 'http-status', status: 502, body: '<html>Bad Gateway</html>' },
      times: 1,
    });
    const page = await fetch(`${parts.sim.url}/r3/v01/qr/create`, { method: 'POST', body: '{}' });
    expect(page.status).toBe(502);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toBe('<html>Bad Gateway</html>');
    expect((await createFor(orgA)).body.StatusCode).toBe(0);
    const [entry] = await parts.control.journal({ path: 'qr/create', limit: 2 });
    expect(entry).toMatchObject({ fault: 'http-status', httpStatus: 502 });
  });
});

describe('latency faults', () => {
  it('delay the answer and add up with other faults', async () => {
    await parts.control.addFault({ match: { path: 'health/ping' }, fault: { kind: 'latency', ms: 150 } });
    await parts.control.addFault({
      match: { path: 'health/ping' },
      fault: { kind: 'status-code', statusCode: -999 },
      times: 1,
    });
    const started = performance.now();
    const response = await fetch(`${parts.sim.url}/r2/v01/health/ping`);
    expect(((await response.json()) as { StatusCode: number }).StatusCode).toBe(-999);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const [entry] = await parts.control.journal({ path: 'health/ping', limit: 1 });
    expect(entry?.fault).toBe('latency+status-code');
    expect(entry?.latencyMs).toBeGreaterThanOrEqual(140);
  });
});

describe('socket faults (below msw, on the raw socket)', () => {
  it('reset: the client sees ECONNRESET', async () => {
    await parts.control.addFault({ match: { path: 'health/ping' }, fault: { kind: 'reset' }, times: 1 });
    expect(await rawRequest('/r1/v01/health/ping')).toEqual({ kind: 'error', code: 'ECONNRESET' });
    expect(await rawRequest('/r1/v01/health/ping')).toEqual({ kind: 'answer', status: 200 });
  });

  it('empty-reply: the connection closes without a byte', async () => {
    await parts.control.addFault({
      match: { path: 'health/ping' },
      fault: { kind: 'empty-reply' },
      times: 1,
    });
    expect(await rawRequest('/r1/v01/health/ping')).toEqual({ kind: 'error', code: 'ECONNRESET' });
    await expect(fetch(`${parts.sim.url}/r1/v01/health/ping`)).resolves.toMatchObject({ status: 200 });
  });

  it('garbage: bytes that are not HTTP', async () => {
    await parts.control.addFault({
      match: { path: 'health/ping' },
      fault: { kind: 'garbage', bytes: 32 },
      times: 1,
      seed: 7,
    });
    const result = await rawRequest('/r1/v01/health/ping');
    expect(result.kind).toBe('error');
    expect(result).not.toEqual({ kind: 'error', code: 'ECONNRESET' });
  });

  it('blackhole: the client times out, the journal shows it, and close() still returns promptly', async () => {
    const own = await startKaspiSimulator();
    const ownControl = new KaspiControlClient(own.controlUrl);
    await ownControl.addFault({ match: { path: 'qr/create' }, fault: { kind: 'blackhole' } });
    const hung = fetch(`${own.url}/r1/v01/qr/create`, {
      method: 'POST',
      body: JSON.stringify({ DeviceToken: orgA.deviceToken, Amount: 1 }),
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    // A second request still hanging on the server when it closes:
    const pending = fetch(`${own.url}/r1/v01/qr/create`, { method: 'POST', body: '{}' }).catch(
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [entry] = await ownControl.journal({ path: 'qr/create', limit: 1 });
    expect(entry).toMatchObject({ fault: 'blackhole', httpStatus: 0 });
    const started = performance.now();
    await own.stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('FaultRegistry', () => {
  it('draws latency jitter from the rule’s seed: the same delays for the same seed', () => {
    const delays = (seed: number) => {
      const registry = new FaultRegistry();
      registry.add({ fault: { kind: 'latency', ms: 10, jitterMs: 200, distribution: 'exponential' }, seed });
      return Array.from(
        { length: 8 },
        () => registry.decide({ method: 'GET', path: '/', bin: () => null })?.delayMs,
      );
    };
    const first = delays(3);
    expect(first.every((ms) => ms !== undefined && ms >= 10)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(delays(3)).toEqual(first);
    expect(delays(4)).not.toEqual(first);
  });

  it('matches path segments, not substrings', () => {
    const registry = new FaultRegistry();
    registry.add({ match: { path: 'qr/create' }, fault: { kind: 'reset' } });
    const decide = (path: string) => registry.decide({ method: 'POST', path, bin: () => null })?.fault?.kind;
    expect(decide('/r1/v01/qr/create')).toBe('reset');
    expect(decide('/r1/v01/qr/create-link')).toBeUndefined();
  });
});
