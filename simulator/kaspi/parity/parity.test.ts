/**
 * Parity against two simulators, one deliberately altered: the status answer renames `Status` to
 * `State`, and health/ping answers -999. The report must name exactly those alterations and
 * nothing else; a second run compares with the saved snapshot instead of the reference. A reference
 * whose answers carry a header the simulator does not send is reported by that header's name.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../../platform/testing.ts';
import { listenHttp } from '../../../platform/http-server.ts';
import { assemble } from '../../../platform/lifecycle.ts';
import { scratchDir } from '../../../platform/run-dir.ts';
import { allOrganizations } from '../../../fixtures/organizations.ts';
import { createKaspiHandlers } from '../handlers.ts';
import { createMswNodeListener } from '../http-adapter.ts';
import { startKaspiSimulator } from '../server.ts';
import { KaspiState } from '../state.ts';
import { runParity, formatReport } from './run.ts';

const parts = useParts(
  assemble()
    .with('reference', () => startKaspiSimulator({ tls: false }))
    .with('altered', () => {
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
      return listenHttp(
        createMswNodeListener({
          handlers: [...overrides, ...createKaspiHandlers(state)],
          errorBody: (message) => ({ StatusCode: -999, Message: message }),
        }),
      );
    })
    // Answers like the faithful simulator, plus a request-id header on every answer.
    .with('traced', () => {
      const faithful = createMswNodeListener({
        handlers: createKaspiHandlers(new KaspiState({ organizations: allOrganizations })),
        errorBody: (message) => ({ StatusCode: -999, Message: message }),
      });
      return listenHttp((req, res) => {
        res.setHeader('X-Trace-Id', 'parity');
        faithful(req, res);
      });
    })
    .with('snapshots', () => scratchDir('kaspi-parity-')),
);

describe('parity', () => {
  it('finds no difference between two faithful simulators', async () => {
    await using scratch = await scratchDir('kaspi-parity-same-');
    const dir = scratch.path;
    const report = await runParity({ kaspiUrl: parts.reference.url, snapshotDir: dir });
    expect(report.differences, formatReport(report)).toEqual([]);
    expect(report.steps).toBeGreaterThanOrEqual(15);
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
    const live = await runParity({
      kaspiUrl: parts.reference.url,
      simulatorUrl: parts.altered.url,
      snapshotDir: parts.snapshots.path,
    });
    expect(live.reference).toBe('live');
    expect(live.differences).toEqual(expected);
    console.log(formatReport(live));

    // The reference is gone; the snapshot stands in for it.
    const fromSnapshot = await runParity({
      kaspiUrl: 'http://127.0.0.1:9',
      simulatorUrl: parts.altered.url,
      snapshotDir: parts.snapshots.path,
    });
    expect(fromSnapshot.reference).toBe('snapshot');
    expect(fromSnapshot.differences).toEqual(expected);
  });

  it('records the header names of each answer and reports the ones the simulator does not send', async () => {
    await using scratch = await scratchDir('kaspi-parity-headers-');
    const dir = scratch.path;
    const report = await runParity({
      kaspiUrl: parts.traced.url,
      simulatorUrl: parts.reference.url,
      snapshotDir: dir,
    });
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
  });
});
