/**
 * [health] `PaymentService\Client::healthCheck()` (the guide's third key method), as a monitoring page
 * or cron on the site calls it: true while the payment-service answers its health route with 200,
 * false — quickly, without an exception — when it is down, answers 5xx, or presents a certificate
 * nobody issued for it. The call goes to the health route of the contract the deployment serves.
 */
import { afterEach, beforeAll, describe, expect, test as vitestTest, type TestContext } from 'vitest';
import { because, NotImplemented, type Cause } from './support/causes.ts';
import { siteCheck } from './support/each-seller.ts';
import { declaredContract, type DeclaredContract } from './support/contract.ts';
import { scenarioFile } from './support/suite.ts';

const { stack } = scenarioFile();
let contract: DeclaredContract;
beforeAll(async () => {
  contract = await declaredContract(stack);
});
afterEach(() => stack.paymentService.reset());

interface HealthAnswer {
  httpStatus: number;
  healthy: boolean | null;
  error?: { code: string; message: string };
  ms: number;
}

async function siteHealth(): Promise<HealthAnswer> {
  const started = performance.now();
  const response = await fetch(`${stack.info.bitrix.url}/local/api/health.php`);
  const body = (await response.json()) as {
    ok: boolean;
    paymentService?: { healthy: boolean };
    error?: { code: string; message: string };
  };
  return {
    httpStatus: response.status,
    healthy: body.paymentService?.healthy ?? null,
    ...(body.error ? { error: body.error } : {}),
    ms: Math.round(performance.now() - started),
  };
}

const wrongAnswer = (state: string, expected: boolean): Cause => ({
  key: `health-check:${state}`,
  hop: 'payment-service → Bitrix',
  what: `healthCheck() does not answer ${expected} while the payment-service is ${state}`,
  fix: 'answer true only for HTTP 200 from GET {base}/health; false (never an exception) for anything else',
});

async function expectHealth(task: TestContext['task'], state: string, expected: boolean) {
  const answer = await siteHealth();
  if (answer.error?.code === 'not_implemented') throw new NotImplemented(answer.error.message);
  await because(task.meta, wrongAnswer(state, expected), () =>
    expect({ httpStatus: answer.httpStatus, healthy: answer.healthy }, JSON.stringify(answer)).toEqual({
      httpStatus: 200,
      healthy: expected,
    }),
  );
  return answer;
}

/** A check of healthCheck(): skipped, with a defect, when the class has none. */
const test = (title: string, body: (context: TestContext) => Promise<void>) =>
  vitestTest(title, (context) => siteCheck(context, () => body(context)));

describe('[health] healthCheck()', () => {
  test('true while the payment-service is up, asking the contract’s health route', async ({ task }) => {
    const since = Date.now();
    await expectHealth(task, 'up', true);
    const asked = (await stack.paymentService.requests()).filter(
      (entry) => Date.parse(entry.time) >= since - 5,
    );
    await because(
      task.meta,
      {
        key: 'health-check:route',
        hop: 'Bitrix → payment-service',
        what: "healthCheck() does not ask the deployment's health route",
        fix: `call ${contract.healthRoute ?? 'the health route of the contract'} (GET {base}/health)`,
      },
      () =>
        expect(
          asked.map((entry) => `${entry.method} ${entry.path}`),
          'what healthCheck() asked the payment-service',
        ).toContain(contract.healthRoute ?? 'GET /api/health'),
    );
  });

  test('false while the payment-service refuses connections', async ({ task }) => {
    await stack.paymentService.down();
    const answer = await expectHealth(task, 'down', false);
    expect(answer.ms, 'a refused connection answers at once').toBeLessThan(5_000);
  });

  test('false while the payment-service answers 500', async ({ task }) => {
    await stack.paymentService.addFault({
      fault: { kind: 'http-status', status: 500, body: { detail: 'Internal Server Error' } },
    });
    await expectHealth(task, 'answering 500', false);
  });

  test('false while the payment-service presents a certificate from a foreign CA', async ({ task }) => {
    await stack.paymentService.addFault({ fault: { kind: 'tls-failure' } });
    await expectHealth(task, 'behind a foreign certificate', false);
  });

  test('true again once the payment-service is back', async ({ task }) => {
    await stack.paymentService.down();
    await stack.paymentService.up();
    await expectHealth(task, 'back up', true);
  });
});
