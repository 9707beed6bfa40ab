/**
 * A team's own integration code, run unmodified: the third-party-style client in
 * fixtures/php-clients/third-party hard-codes https://qrapi-cert-ip.kaspi.kz and the Railway URL,
 * opens its client certificate at /home/bitrix/kaspi_certificates/..., does its own curl and reads
 * a passphrase constant from its own init.php. The egress proxy sends Kaspi (mutual TLS, end to end)
 * to the Kaspi simulator's r3 TLS listener and the payment-service (TLS terminated) to a recording fake.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../platform/testing.ts';
import { assemble } from '../platform/lifecycle.ts';
import { scratchDir } from '../platform/run-dir.ts';
import { seededFaker } from '../fixtures/customers.ts';
import { allOrganizations, sellerByShopId } from '../fixtures/organizations.ts';
import { startKaspiSimulator } from '../simulator/kaspi/index.ts';
import { startEgressProxy } from '../platform/egress/index.ts';
import { loadHarnessFiles } from '../platform/php-files.ts';
import { createRunAuthorities } from '../platform/tls/ca.ts';
import { checkoutOneProduct } from '../simulator/bitrix/storefront-client.ts';
import { fixturesPaymentService, withStub, writeCaCertFile } from '../simulator/bitrix/test-support.ts';

const clientDir = resolve(import.meta.dirname, '../fixtures/php-clients/third-party');
const parts = useParts(
  withStub(
    assemble()
      .with('dir', () => scratchDir('kh-third-party-'))
      .value('authorities', () => createRunAuthorities())
      .value('caCertFile', ({ dir, authorities }) => writeCaCertFile(dir.path, authorities.server))
      .with('kaspi', ({ authorities }) =>
        startKaspiSimulator({ organizations: allOrganizations, authorities }),
      )
      .with('paymentService', fixturesPaymentService)
      .with('egress', ({ authorities, kaspi, paymentService }) =>
        startEgressProxy({
          ca: authorities.server,
          routes: [
            {
              match: 'qrapi-cert-ip.kaspi.kz',
              port: 443,
              target: { host: '127.0.0.1', port: Number(new URL(kaspi.listeners.r3).port) },
            },
            {
              match: '*.up.railway.app',
              target: { host: '127.0.0.1', port: paymentService.port, mode: 'terminate' },
            },
          ],
        }),
      ),
    async ({ authorities, caCertFile, egress }) => ({
      seed: 7,
      phpClassesDir: clientDir,
      phpInitFile: join(clientDir, 'init.php'),
      materializedFiles: await loadHarnessFiles(join(clientDir, 'harness-files.json'), authorities),
      egressProxyUrl: egress.url,
      caCertFile,
      productionLayout: 'namespace',
    }),
  ),
);

describe('a third-party-style client, unmodified', () => {
  it('is deployed byte for byte', () => {
    for (const file of ['Integration/Kaspi/ApiClient.php', 'Integration/PaymentService/Client.php']) {
      expect(readFileSync(join(parts.stub.documentRoot, 'local/classes', file))).toEqual(
        readFileSync(join(clientDir, file)),
      );
    }
    expect(parts.stub.visibleDocumentRoot).toBe('/home/bitrix/www');
  });

  it('checks out through its hard-coded hosts: mutual TLS reaches Kaspi, the seller BIN is used', async () => {
    const { body } = await checkoutOneProduct(parts.stub.url, 576631, seededFaker(7));
    expect(body).toMatchObject({ ok: true, payment: { organizationBin: sellerByShopId(576631)!.bin } });
    if (!body.ok) return;

    // The simulator answered over mutual TLS (a missing or foreign client certificate gets -10000).
    expect(parts.kaspi.state.purchases()).toMatchObject([
      {
        scheme: 'r3',
        kind: 'qr',
        organizationBin: sellerByShopId(576631)!.bin,
        qrPaymentId: body.payment.qrPaymentId,
      },
    ]);
    expect(parts.paymentService.requests.map((r) => [r.headers.host, r.url])).toEqual([
      ['payment-service.up.railway.app', '/api/payment/config?shop_id=576631'],
    ]);
    expect(parts.egress.unexpected()).toEqual([]);
  });

  it('its AddMessage2Log lands in the LOG_FILENAME its own init.php defines', async () => {
    parts.paymentService.handler = () => ({ status: 500, body: { detail: 'down' } });
    const out = await parts.stub.runCli([
      '-r',
      `$_SERVER['DOCUMENT_ROOT'] = getenv('DOCUMENT_ROOT'); require '/home/bitrix/www/bitrix/modules/main/include/prolog_before.php';
       $r = (new \\Integration\\Kaspi\\ApiClient())->getCreteQr(['Amount' => 100.0], 121038); echo $r['sentData']['OrganizationBin'];`,
    ]);
    expect(out).toMatchObject({ code: 0, stdout: '891027350515' });
    expect(readFileSync(join(parts.stub.documentRoot, 'bitrix/log/kaspi.log'), 'utf8')).toContain(
      'payment-service failed for shop 121038: Payment-service returned HTTP 500',
    );
  });

  it('the same tunnel without a client certificate gets -10000 from Kaspi: TLS really is end to end', async () => {
    const out = await parts.stub.runCli([
      '-r',
      `$ch = curl_init('https://qrapi-cert-ip.kaspi.kz/r3/v01/qr/create');
       curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_POST => true, CURLOPT_POSTFIELDS => '{}',
         CURLOPT_HTTPHEADER => ['Content-Type: application/json']]);
       echo curl_exec($ch);`,
    ]);
    expect(JSON.parse(out.stdout)).toMatchObject({ StatusCode: -10000 });
  });
});
