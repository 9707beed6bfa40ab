/**
 * [contract] The Bitrix client is written against the guide's contract (`/api/payment/config`,
 * `/api/payment/log`). Run against the contract the service really has ("deployed": no `/api`
 * prefix, admin routes) or one defined by an OpenAPI document, every call it makes that the service
 * does not serve is contract drift: reported by the payment-service (`GET /control/drift`) and
 * recorded as findings on the test. Where the money goes then is judged too — with a cold cache a
 * lookup the service does not serve sends every payment to the marketplace BIN. Against contracts
 * that do serve the guide's routes ("guide", "both", an OpenAPI document listing them) there is no
 * drift and the seller is paid, so the drift check can come out either way.
 */
import { afterEach, describe, expect, type TaskMeta } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import type { Profile } from '../simulator/payment-service/control-client.ts';
import { forEachSeller } from './support/each-seller.ts';
import { tracePayment } from './support/routing.ts';
import { clearCache, recordFinding, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();

afterEach(() => stack.paymentService.reset());

const operation = (summary: string) => ({ summary, responses: { '200': { description: 'OK' } } });

/** The running service's own description of itself (FastAPI's /openapi.json, as the deployed routes are). */
const deployedOpenApi = {
  openapi: '3.1.0',
  info: { title: 'payment-service', version: '1.0.0' },
  paths: {
    '/health': { get: operation('Health') },
    '/payments/kaspi/create': { post: operation('Create remote payment') },
    '/payments/kaspi/create-link': { post: operation('Create payment link') },
    '/payments/kaspi/status/{external_id}': { get: operation('Payment status') },
    '/payments/kaspi/refund': { post: operation('Refund') },
    '/admin/configs': { get: operation('List configs'), post: operation('Create config') },
    '/admin/configs/{shop_id}': {
      get: operation('Get config'),
      put: operation('Update config'),
      delete: operation('Deactivate config'),
    },
  },
};

/** A document that lists the guide's routes: what the Bitrix client expects. */
const guideOpenApi = {
  openapi: '3.1.0',
  info: { title: 'payment-service (guide)', version: '1.0.0' },
  paths: {
    '/api/health': { get: operation('Health') },
    '/api/payment/config': { get: operation('Config by shop_id') },
    '/api/payment/log': { post: operation('Write a payment log') },
  },
};

interface ContractCase {
  name: string;
  profile: Profile;
  drifts: boolean;
}

const cases: ContractCase[] = [
  { name: 'deployed', profile: 'deployed', drifts: true },
  { name: 'OpenAPI of the deployed service', profile: { openapi: deployedOpenApi }, drifts: true },
  { name: 'guide', profile: 'guide', drifts: false },
  { name: 'both', profile: 'both', drifts: false },
  { name: 'OpenAPI listing the guide routes', profile: { openapi: guideOpenApi }, drifts: false },
];

const pathOnly = (path: string) => path.split('?')[0] ?? path;

async function runAgainst(contract: ContractCase, seller: Seller, meta: TaskMeta) {
  await stack.paymentService.setProfile(contract.profile);
  await stack.paymentService.clearDrift();
  // Cold cache: the lookup must reach the service for its contract to matter.
  await clearCache(stack);
  const { result } = await tracePayment(stack, {
    scenario: `contract: ${contract.name}`,
    seller,
    catalogue,
    faker,
    expectation: contract.drifts ? 'fallback' : 'seller',
    meta,
  });
  const drift = await stack.paymentService.drift();
  const seen = new Set<string>();
  for (const entry of drift) {
    const key = `drift:${entry.method} ${pathOnly(entry.path)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    recordFinding(meta, {
      suite: 'contract',
      key,
      severity: 'defect',
      message: `The Bitrix client calls ${entry.method} ${pathOnly(entry.path)}, which the "${entry.profile}" contract does not serve${entry.nearest.length ? `; nearest: ${entry.nearest.slice(0, 3).join(', ')}` : ''}.`,
      evidence: {
        profile: entry.profile,
        request: `${entry.method} ${entry.path}`,
        nearest: entry.nearest.join(' | '),
        receivedBin: result.receivedBin,
      },
    });
  }
  return { result, drift };
}

for (const contract of cases) {
  describe(`[contract] ${contract.name}`, () => {
    if (contract.drifts) {
      forEachSeller(
        '%s: the config lookup is reported as drift, and the payment is diverted to the fallback',
        async (seller, task) => {
          const { result, drift } = await runAgainst(contract, seller, task.meta);
          expect(
            drift.some(
              (entry) =>
                entry.method === 'GET' && entry.path.includes(`payment/config?shop_id=${seller.shopId}`),
            ),
            `drift lists GET …/payment/config?shop_id=${seller.shopId}`,
          ).toBe(true);
          expect(task.meta.findings?.length ?? 0, 'drift recorded as findings').toBeGreaterThan(0);
          expect(result.passed, result.reason).toBe(true);
          expect(result.verdict).toBe('diverted');
        },
      );
    } else {
      forEachSeller('%s: no drift, and the seller is paid', async (seller, task) => {
        const { result, drift } = await runAgainst(contract, seller, task.meta);
        expect(
          drift.map((entry) => `${entry.method} ${entry.path}`),
          'calls the contract does not serve',
        ).toEqual([]);
        expect(result.passed, result.reason).toBe(true);
        const served = (await stack.paymentService.requests()).filter(
          (entry) => entry.path.includes(`shop_id=${seller.shopId}`) && entry.status === 200,
        );
        expect(served.length, 'the config lookup was served').toBeGreaterThan(0);
      });
    }
  });
}
