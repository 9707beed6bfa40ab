/**
 * The reference integration with its options unset, as on a fresh production site: it calls its
 * hard-coded https://qrapi-cert-ip.kaspi.kz (client certificate from /home/bitrix/kaspi_certificates)
 * and https://payment-service.up.railway.app/api, and the default egress route table sends both to
 * the harness — Kaspi with mutual TLS end to end, the payment-service through TLS termination.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { sellerByShopId } from '../../fixtures/organizations.ts';
import { defaultEgressRoutes, startEgressProxy } from '../../platform/egress/index.ts';
import { startMariadb } from '../../platform/mariadb.ts';
import { defaultClientCommonName, resolveMaterializedFiles } from '../../platform/php-files.ts';
import { createRunAuthorities, writePemFiles } from '../../platform/tls/ca.ts';
import { startBitrix } from './server.ts';
import { runStubPhp, startFake } from './test-support.ts';

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-prod-hosts-'))
    .value('authorities', () => createRunAuthorities())
    .value('caCertFile', async ({ dir, authorities }) => {
      const pem = await writePemFiles(join(dir.path, 'tls'), { 'ca.pem': authorities.server.certPem });
      return pem['ca.pem'];
    })
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
    .with('paymentService', () =>
      startFake((request) => {
        if (request.method === 'POST') return { status: 201, body: { id: 1 } };
        const seller = sellerByShopId(Number(new URL(request.url, 'http://x').searchParams.get('shop_id')))!;
        return {
          status: 200,
          body: {
            shop_id: seller.shopId,
            organization_bin: seller.bin,
            device_token: seller.deviceToken,
            is_active: true,
          },
        };
      }),
    )
    .with('egress', ({ authorities, kaspi, paymentService }) => {
      const kaspiTarget = { host: '127.0.0.1', port: kaspi.port };
      return startEgressProxy({
        ca: authorities.server,
        routes: defaultEgressRoutes({
          kaspi: { r1: kaspiTarget, r2: kaspiTarget, r3: kaspiTarget },
          paymentService: { host: '127.0.0.1', port: paymentService.port, mode: 'terminate' },
        }),
      });
    })
    .with('mariadb', ({ dir }) => startMariadb({ runDir: dir.path }))
    .with('stub', async ({ dir, authorities, caCertFile, egress, mariadb }) =>
      startBitrix({
        runDir: dir.path,
        mariadb,
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
