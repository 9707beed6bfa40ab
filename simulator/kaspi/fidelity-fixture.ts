/**
 * Shared setup of the fidelity tests: a simulator with TLS listeners, a partner client certificate
 * from its CA, callers for r2/r3 (mutual TLS) and the control API, and small purchase helpers.
 */
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Organization } from '../../fixtures/organizations.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator, type KaspiSimulator, type KaspiSimulatorOptions } from './server.ts';
import { tlsClient, type TlsAnswer, type TlsCall } from './tls-test-client.ts';

export interface Fixture {
  sim: KaspiSimulator;
  control: KaspiControlClient;
  r2: TlsCall;
  r3: TlsCall;
  /** Control API call that is not in the typed client (clock, trade-point settings). */
  controlCall(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<Record<string, unknown>>;
  createQr(org: Organization, amount: number, path?: 'qr/create' | 'qr/create-link'): Promise<number>;
  /** Creates and pays (scan + confirm) a QR purchase. */
  paidPurchase(org: Organization, amount: number): Promise<number>;
  emulate(action: string, id: number): Promise<TlsAnswer>;
  stop(): Promise<void>;
}

export async function startFixture(options: KaspiSimulatorOptions = {}): Promise<Fixture> {
  const sim = await startKaspiSimulator(options);
  const cert = await sim.issueClientCertificate('partner-marketplace');
  const r2 = tlsClient({ baseUrl: sim.listeners.r2, caPem: sim.ca.certPem, clientCertificate: cert });
  const r3 = tlsClient({ baseUrl: sim.listeners.r3, caPem: sim.ca.certPem, clientCertificate: cert });
  const emulate = (action: string, id: number) =>
    r3('POST', `/test/payment/${action}`, { qrPaymentId: String(id) });
  const createQr = async (org: Organization, amount: number, path = 'qr/create') => {
    const answer = await r3('POST', `/r3/v01/${path}`, {
      DeviceToken: org.deviceToken,
      Amount: amount,
      OrganizationBin: org.bin,
    });
    expect(answer.body.StatusCode).toBe(0);
    const data = answer.body.Data as { QrPaymentId?: number; PaymentId?: number };
    return (data.QrPaymentId ?? data.PaymentId)!;
  };
  return {
    sim,
    control: new KaspiControlClient(sim.controlUrl),
    r2,
    r3,
    controlCall: async (method, path, body) => {
      const response = await fetch(`${sim.controlUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
      return json;
    },
    createQr,
    paidPurchase: async (org, amount) => {
      const id = await createQr(org, amount);
      expect((await emulate('scan', id)).body.StatusCode).toBe(0);
      expect((await emulate('confirm', id)).body.StatusCode).toBe(0);
      return id;
    },
    emulate,
    stop: () => sim.stop(),
  };
}

/**
 * A test file's simulator: started before its tests, reset before each one, closed after them. The
 * returned object is filled in beforeAll, so tests use it as if it had been started synchronously.
 */
export function useFixture(options: KaspiSimulatorOptions = {}): Fixture {
  const fixture = {} as Fixture;
  beforeAll(async () => {
    Object.assign(fixture, await startFixture(options));
  });
  afterAll(() => fixture.stop?.());
  beforeEach(() => fixture.control.reset());
  return fixture;
}
