/**
 * Parity against two simulators, one deliberately altered: the status answer renames `Status` to
 * `State`, and health/ping answers -999. The report must name exactly those alterations and
 * nothing else; a second run compares with the saved snapshot instead of the reference. A reference
 * whose answers carry a header the simulator does not send is reported by that header's name.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOrganizations } from '../../../fixtures/organizations.ts';
import { createKaspiHandlers } from '../handlers.ts';
import { createMswNodeListener } from '../http-adapter.ts';
import { startKaspiSimulator, type KaspiSimulator } from '../server.ts';
import { KaspiState } from '../state.ts';
import { runParity, formatReport } from './run.ts';

let reference: KaspiSimulator;
let altered: Server;
let alteredUrl: string;
/** Answers like the faithful simulator, plus a request-id header on every answer. */
let traced: Server;
let tracedUrl: string;
let snapshotDir: string;

beforeAll(async () => {
  reference = await startKaspiSimulator({ tls: false });
  const state = new KaspiState({ organizations: allOrganizations });
  const overrides = [
    http.get('*/r3/v01/payment/status/:id', ({ params }) => {
      const outcome = state.status(Number(params.id));
      return HttpResponse.json(
        outcome.ok
          ? { StatusCode: 0, Message: 'OK', Data: { State: outcome.value } }
          : { StatusCode: outcome.statusCode, Message: outcome.message },
      );
    }),
    http.get('*/r1/v01/health/ping', () =>
      HttpResponse.json({ StatusCode: -999, Message: 'Service unavailable' }),
    ),
  ];
  altered = createServer(
    createMswNodeListener({
      handlers: [...overrides, ...createKaspiHandlers(state)],
      errorBody: (message) => ({ StatusCode: -999, Message: message }),
    }),
  );
  await new Promise<void>((resolve) => altered.listen(0, '127.0.0.1', resolve));
  alteredUrl = `http://127.0.0.1:${(altered.address() as AddressInfo).port}`;
  const tracedState = new KaspiState({ organizations: allOrganizations });
  const faithful = createMswNodeListener({
    handlers: createKaspiHandlers(tracedState),
    errorBody: (message) => ({ StatusCode: -999, Message: message }),
  });
  traced = createServer((req, res) => {
    res.setHeader('X-Trace-Id', 'parity');
    faithful(req, res);
  });
  await new Promise<void>((resolve) => traced.listen(0, '127.0.0.1', resolve));
  tracedUrl = `http://127.0.0.1:${(traced.address() as AddressInfo).port}`;
  snapshotDir = await mkdtemp(join(tmpdir(), 'kaspi-parity-'));
});
afterAll(async () => {
  await reference.stop();
  for (const server of [altered, traced]) {
    await new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    });
  }
  await rm(snapshotDir, { recursive: true, force: true });
});

describe('parity', () => {
  it('finds no difference between two faithful simulators', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaspi-parity-same-'));
    try {
      const report = await runParity({ kaspiUrl: reference.url, snapshotDir: dir });
      expect(report.differences, formatReport(report)).toEqual([]);
      expect(report.steps).toBeGreaterThanOrEqual(15);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports exactly the alterations, live and then from the snapshot', async () => {
    const statusSteps = ['status after create', 'status after scan', 'status after confirm'];
    const expected = [
      { step: 'health ping', path: 'StatusCode', kind: 'value', reference: '0', simulator: '-999' },
      ...statusSteps.flatMap((step) => [
        { step, path: 'Data.Status', kind: 'missing', reference: 'string', simulator: '-' },
        { step, path: 'Data.State', kind: 'extra', reference: '-', simulator: 'string' },
      ]),
    ];
    const live = await runParity({ kaspiUrl: reference.url, simulatorUrl: alteredUrl, snapshotDir });
    expect(live.reference).toBe('live');
    expect(live.differences).toEqual(expected);
    console.log(formatReport(live));

    // The reference is gone; the snapshot stands in for it.
    const fromSnapshot = await runParity({
      kaspiUrl: 'http://127.0.0.1:9',
      simulatorUrl: alteredUrl,
      snapshotDir,
    });
    expect(fromSnapshot.reference).toBe('snapshot');
    expect(fromSnapshot.differences).toEqual(expected);
  });

  it('records the header names of each answer and reports the ones the simulator does not send', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaspi-parity-headers-'));
    try {
      const report = await runParity({ kaspiUrl: tracedUrl, simulatorUrl: reference.url, snapshotDir: dir });
      expect(report.differences).toEqual(
        [...Array(report.steps).keys()].map(() => ({
          step: expect.any(String),
          path: '(header) X-Trace-Id',
          kind: 'missing',
          reference: 'sent',
          simulator: '-',
        })),
      );
      const snapshot = JSON.parse(await readFile(join(dir, 'kaspi-parity.json'), 'utf8')) as {
        steps: { answer: { headerNames: string[] } }[];
      };
      expect(snapshot.steps[0]?.answer.headerNames).toEqual(
        expect.arrayContaining(['Server', 'Content-Type', 'Content-Length', 'X-Trace-Id']),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
