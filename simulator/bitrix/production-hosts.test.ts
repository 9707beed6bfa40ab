/**
 * The reference integration with its options unset, as on a fresh production site: it calls its
 * hard-coded https://qrapi-cert-ip.kaspi.kz (client certificate from /home/bitrix/kaspi_certificates)
 * and https://payment-service.up.railway.app/api, and the default egress route table sends both to
 * the harness — Kaspi with mutual TLS end to end, the payment-service through TLS termination.
 */
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { sellerByShopId } from '../../fixtures/organizations.ts';
import { defaultEgressRoutes, startEgressProxy } from '../../platform/egress/index.ts';
import { defaultClientCommonName, resolveMaterializedFiles } from '../../platform/php-files.ts';
import { createRunAuthorities } from '../../platform/tls/ca.ts';
import { fixturesPaymentService, runStubPhp, startFake, withStub, writeCaCertFile } from './test-support.ts';

const parts = useParts(
  withStub(
    assemble()
      .with('dir', () => scratchDir('kh-prod-hosts-'))
      .value('authorities', () => createRunAuthorities())
      .value('caCertFile', ({ dir, authorities }) => writeCaCertFile(dir.path, authorities.server))
      .with('kaspi', ({ authorities }) =>
        startFake(
          () => ({
            status: 200,
            body: {
              StatusCode: 0,
              Data: { QrToken: 'token', QrPaymentId: 42, ExpireDate: '2030-01-01T00:00:00+06' },
            },
          }),
          { mutualTls: { authorities, hostnames: ['qrapi-cert-ip.kaspi.kz', 'mtokentest.kaspi.kz'] } },
        ),
      )
      .with('paymentService', fixturesPaymentService)
      .with('egress', ({ authorities, kaspi, paymentService }) => {
        const kaspiTarget = { host: '127.0.0.1', port: kaspi.port };
        return startEgressProxy({
          ca: authorities.server,
          routes: defaultEgressRoutes({
            kaspi: { r1: kaspiTarget, r2: kaspiTarget, r3: kaspiTarget },
            paymentService: { host: '127.0.0.1', port: paymentService.port, mode: 'terminate' },
          }),
        });
      }),
    async ({ authorities, caCertFile, egress }) => ({
      seed: 5,
      materializedFiles: await resolveMaterializedFiles({ authorities }),
      egressProxyUrl: egress.url,
      caCertFile,
      productionLayout: 'namespace',
    }),
  ),
);

describe('reference integration on its production hosts', () => {
  it('creates the QR on qrapi-cert-ip.kaspi.kz with the client certificate and the seller BIN', async () => {
    const seller = sellerByShopId(75509)!;
    const out = await runStubPhp(
      parts.stub,
      `$r = (new \\Integration\\Kaspi\\ApiClient())->getCreteQr(['Amount' => 5000.0, 'ExternalId' => 'A-1'], ${seller.shopId});
       echo json_encode([$r['method'], $r['data']['Data']['QrPaymentId'] ?? null, $r['curlErrors']]);`,
    );
    expect(JSON.parse(out)).toEqual(['POST:https://qrapi-cert-ip.kaspi.kz/r3/v01/qr/create', 42, '']);
    expect(parts.kaspi.requests[0]).toMatchObject({
      url: '/r3/v01/qr/create',
      clientCn: defaultClientCommonName,
      body: { OrganizationBin: seller.bin, DeviceToken: seller.deviceToken },
    });
    expect(parts.paymentService.requests.map((r) => `${r.method} ${r.headers.host}${r.url}`)).toEqual([
      'GET payment-service.up.railway.app/api/payment/config?shop_id=75509',
      'POST payment-service.up.railway.app/api/payment/log',
    ]);
    expect(parts.egress.unexpected()).toEqual([]);
  });
});
