/**
 * Root causes from evidence: each failing payment is traced to the first hop that went wrong, and its
 * reason agrees with what Kaspi and the payment-service recorded.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultShopId,
  fallbackOrganization,
  sellerByShopId,
  sellers,
} from '../../fixtures/organizations.ts';
import { diagnosePayment, missingFileIn, type PaymentEvidence } from './causes.ts';

const vlvt = sellers[1]!;
const eileen = sellerByShopId(defaultShopId)!;
const base: PaymentEvidence = {
  seller: vlvt,
  expectation: 'seller',
  context: {},
  checkout: { ok: true, httpStatus: 200 },
  landed: null,
  kaspi: [],
  service: [],
  drift: [],
  deaths: [],
  refusedEgress: [],
};
const landedOn = (org: { bin: string; deviceToken: string }) => ({
  organizationBin: org.bin,
  deviceToken: org.deviceToken,
  qrPaymentId: 7,
});

describe('diagnosePayment', () => {
  it('a purchase Kaspi made that the checkout did not learn of: the answer was not read, never "no payment reached Kaspi"', () => {
    const { cause, reason } = diagnosePayment({
      ...base,
      checkout: {
        ok: false,
        httpStatus: 502,
        errorCode: 'kaspi_error',
        errorMessage: 'Kaspi StatusCode missing: no decoded answer (data: null, http_code 200)',
      },
      landed: landedOn(vlvt),
      kaspi: [
        {
          method: 'POST',
          path: '/r3/v01/qr/create',
          organizationBin: vlvt.bin,
          deviceToken: vlvt.deviceToken,
          httpStatus: 200,
          statusCode: 0,
        },
      ],
    });
    expect(cause.key).toBe('kaspi-answer-unread');
    expect(cause.hop).toBe('Kaspi → Bitrix');
    expect(reason).toContain(`Kaspi created purchase 7 on BIN ${vlvt.bin}`);
    expect(reason).toContain('StatusCode 0');
    expect(reason).toContain('data: null');
    expect(reason).not.toMatch(/no payment reached Kaspi/);
  });

  it('a lookup the declared contract does not serve, diverting the money: contract drift, with the nearest route', () => {
    const { cause } = diagnosePayment({
      ...base,
      landed: landedOn(fallbackOrganization),
      service: [
        { method: 'GET', path: `/api/payment/config?shop_id=${vlvt.shopId}`, status: 404, drift: true },
      ],
      drift: [
        {
          method: 'GET',
          path: `/api/payment/config?shop_id=${vlvt.shopId}`,
          profile: 'deployed',
          nearest: ['GET /admin/configs/{shop_id}'],
        },
      ],
    });
    expect(cause.key).toBe('drift:GET /api/payment/config');
    expect(cause.fix).toContain('GET /admin/configs/{shop_id}');
  });

  it("another seller's money on the default shop: the class could not tell the seller", () => {
    const { cause, reason } = diagnosePayment({
      ...base,
      context: { callShape: 'order-context' },
      landed: landedOn(eileen),
      service: [{ method: 'GET', path: `/api/payment/config?shop_id=${defaultShopId}`, status: 200 }],
    });
    expect(cause.key).toBe('paid-default-shop');
    expect(reason).toContain(`looked up the default shop ${defaultShopId}`);
  });

  it("the seller's good config answered and the class still paid the fallback: the answer was rejected", () => {
    const { cause } = diagnosePayment({
      ...base,
      landed: landedOn(fallbackOrganization),
      service: [{ method: 'GET', path: `/api/payment/config?shop_id=${vlvt.shopId}`, status: 200 }],
    });
    expect(cause.key).toBe('config-rejected');
  });

  it('a warm cache not used during an outage', () => {
    const { cause } = diagnosePayment({
      ...base,
      context: { cache: 'warm', outage: 'service down' },
      landed: landedOn(fallbackOrganization),
      service: [{ method: 'GET', path: `/api/payment/config?shop_id=${vlvt.shopId}`, status: 0 }],
    });
    expect(cause.key).toBe('cache-not-used');
  });

  it("other sellers' lookups made at the same time are not this payment's", () => {
    const { cause } = diagnosePayment({
      ...base,
      context: { cache: 'warm', outage: 'HTTP 500' },
      landed: landedOn(fallbackOrganization),
      service: [
        { method: 'GET', path: `/api/payment/config?shop_id=${vlvt.shopId}`, status: 500, fault: 'status' },
        { method: 'GET', path: `/api/payment/config?shop_id=${eileen.shopId}`, status: 500, fault: 'status' },
      ],
    });
    expect(cause.key).toBe('cache-not-used');
  });

  it('the seller paid where the outage should have diverted it: named with the outage and its fix', () => {
    const { cause } = diagnosePayment({
      ...base,
      expectation: 'fallback',
      context: { cache: 'cold', outage: 'TLS certificate from a foreign CA' },
      landed: landedOn(vlvt),
      service: [{ method: 'GET', path: `/api/payment/config?shop_id=${vlvt.shopId}`, status: 200 }],
    });
    expect(cause.key).toBe('outage-not-detected:TLS certificate from a foreign CA');
    expect(cause.fix).toContain('CURLOPT_SSL_VERIFYPEER');
  });

  it('Kaspi refusing the request: the StatusCode, its meaning and its fix', () => {
    const { cause } = diagnosePayment({
      ...base,
      checkout: {
        ok: false,
        httpStatus: 502,
        errorCode: 'kaspi_error',
        errorMessage: 'Kaspi StatusCode -1501 (Device not found)',
      },
      kaspi: [
        {
          method: 'POST',
          path: '/r3/v01/qr/create',
          organizationBin: vlvt.bin,
          deviceToken: eileen.deviceToken,
          httpStatus: 200,
          statusCode: -1501,
        },
      ],
    });
    expect(cause.key).toBe('kaspi-refused:/r3/v01/qr/create:-1501');
    expect(cause.what).toContain('device not found');
  });

  it('a certificate file the sandbox lacks: the path, and the harness-files.json entry that provides it', () => {
    const message =
      'Kaspi StatusCode missing: no decoded answer (data: null, http_code 0, curl: 58: could not load PEM client certificate from /home/bitrix/kaspi_certificates/prod/cert.pem, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?))';
    const { cause } = diagnosePayment({
      ...base,
      checkout: { ok: false, httpStatus: 502, errorCode: 'kaspi_error', errorMessage: message },
    });
    expect(cause.key).toBe('missing-file:/home/bitrix/kaspi_certificates/prod/cert.pem');
    expect(cause.fix).toContain('"path": "/home/bitrix/kaspi_certificates/prod/cert.pem"');
    expect(missingFileIn("curl: 58: unable to set private key file: '/home/bitrix/k/key.pem' type PEM")).toBe(
      '/home/bitrix/k/key.pem',
    );
  });

  it('a method the class lacks is named, not reported as a crash', () => {
    const { cause } = diagnosePayment({
      ...base,
      checkout: {
        ok: false,
        httpStatus: 501,
        errorCode: 'not_implemented',
        errorMessage: 'Integration\\Kaspi\\ApiClient::createRemotePay is not implemented',
      },
    });
    expect(cause.key).toBe('not-implemented:Integration\\Kaspi\\ApiClient::createRemotePay');
  });

  it('a dead stack service before anything else', () => {
    const { cause, reason } = diagnosePayment({
      ...base,
      deaths: ['MariaDB'],
      checkout: { ok: false, httpStatus: 500 },
    });
    expect(cause.hop).toBe('stack');
    expect(reason).toContain('STACK FAILURE');
  });
});
