/**
 * [contract] The payment-service contract decides. The run declares the contract the site's
 * payment-service really serves (`--payment-service-contract guide|deployed|<OpenAPI file>`, default
 * the guide's), and the whole stack serves it: against it, with a cold cache, every seller must be paid
 * on its own BIN and every call the class makes must be served — a call the deployment does not serve
 * is a defect that fails the run (judgeAttempt records it, with the nearest served routes).
 *
 * Then, as information, what would happen against the other contracts: the deployed service's, both,
 * or one an OpenAPI document defines. There a call that is not served diverts the payment to the
 * marketplace BIN; these checks only require that the money goes to the seller or to the documented
 * fallback, never elsewhere, and that what was not served is what diverted it.
 */
import { afterEach, beforeAll, describe, expect } from 'vitest';
import type { Seller } from '../fixtures/organizations.ts';
import type { Profile } from '../simulator/payment-service/control-client.ts';
import { declaredContract, type DeclaredContract } from './support/contract.ts';
import { forEachSeller } from './support/each-seller.ts';
import { judgeAttempt, tracePayment } from './support/routing.ts';
import { basketFor, checkout } from '../simulator/bitrix/storefront-client.ts';
import { clearCache, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
let declared: DeclaredContract;
beforeAll(async () => {
  declared = await declaredContract(stack);
});
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

/** A document that lists the guide's routes: what a client written to the guide expects. */
const guideOpenApi = {
  openapi: '3.1.0',
  info: { title: 'payment-service (guide)', version: '1.0.0' },
  paths: {
    '/api/health': { get: operation('Health') },
    '/api/payment/config': { get: operation('Config by shop_id') },
    '/api/payment/log': { post: operation('Write a payment log') },
  },
};

const others: { name: string; profile: Profile }[] = [
  { name: 'guide', profile: 'guide' },
  { name: 'deployed', profile: 'deployed' },
  { name: 'both', profile: 'both' },
  { name: 'OpenAPI of the deployed service', profile: { openapi: deployedOpenApi } },
  { name: 'OpenAPI listing the guide routes', profile: { openapi: guideOpenApi } },
];

describe('[contract] the declared contract', () => {
  forEachSeller(
    '%s, cold cache: paid on its own BIN, and every call the class makes is served',
    async (seller, task) => {
      await clearCache(stack);
      const { result } = await tracePayment(stack, {
        scenario: `contract: declared (${declared.name})`,
        seller,
        catalogue,
        faker,
        expectation: 'seller',
        meta: task.meta,
        context: { cache: 'cold' },
      });
      expect(result.passed, result.reason).toBe(true);
      const drift = (task.meta.findings ?? []).filter((finding) => finding.key.startsWith('drift:'));
      expect(
        drift.map((finding) => finding.message),
        'calls the declared contract does not serve',
      ).toEqual([]);
    },
  );
});

/** One cold-cache checkout against `profile`: the expectation follows what the contract served. */
async function whatWouldHappen(contract: (typeof others)[number], seller: Seller, meta: object) {
  await stack.paymentService.setProfile(contract.profile);
  await stack.paymentService.clearDrift();
  await clearCache(stack);
  const attempt = await checkout(stack.info.bitrix.url, {
    items: basketFor(seller, catalogue, faker),
    paymentMethod: 'qr',
    faker,
  });
  const drift = await stack.paymentService.drift();
  const lookupServed = !drift.some(
    (entry) => entry.method === 'GET' && entry.path.includes(`=${seller.shopId}`),
  );
  return {
    drift,
    lookupServed,
    ...(await judgeAttempt(stack, {
      scenario: `contract: ${contract.name}`,
      seller,
      attempt,
      expectation: lookupServed ? 'seller' : 'fallback',
      meta: meta as never,
      context: { cache: 'cold', outage: `the "${contract.name}" contract` },
      drift: 'info',
    })),
  };
}

for (const contract of others) {
  describe(`[contract] what would happen against the ${contract.name} contract (information)`, () => {
    forEachSeller(
      '%s, cold cache: the seller or the documented fallback is paid, as what was served decides',
      async (seller, task) => {
        const { result, lookupServed, drift } = await whatWouldHappen(contract, seller, task.meta);
        expect(result.passed, result.reason).toBe(true);
        expect(result.verdict, 'never another organization').toBe(lookupServed ? 'correct' : 'diverted');
        const findings = task.meta.findings ?? [];
        expect(
          findings.filter((finding) => finding.key.startsWith('drift:')).every((f) => f.severity === 'info'),
          'another contract than the declared one is information, not a defect',
        ).toBe(true);
        if (drift.length) expect(findings.length, 'what would not be served is reported').toBeGreaterThan(0);
      },
    );
  });
}
