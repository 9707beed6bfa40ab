import { expect, it } from 'vitest';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { routeCatalogue } from './near-miss.ts';
import { createKaspiHandlers } from './handlers.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { KaspiState } from './state.ts';

it('documents every route the handlers serve, and nothing else', () => {
  const document = buildOpenApiDocument();
  const documented = new Set<string>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path}`);
  }
  const served = new Set(
    routeCatalogue(createKaspiHandlers(new KaspiState({ organizations: allOrganizations }))).map(
      (route) => `${route.method} ${route.template.replace(/:([^/]+)/g, '{$1}')}`,
    ),
  );
  expect([...served].sort()).toEqual([...documented].sort());
  // Spot checks of the scheme table.
  expect(served).toContain('GET /r3/v01/partner/tradepoints/{organizationBin}');
  expect(served).toContain('POST /r2/v01/return/operations');
  expect(served).toContain('GET /r1/v02/payment/status/{QrPaymentId}');
  expect(served).not.toContain('GET /r1/v01/payment/details');
  expect(served).not.toContain('POST /r3/v01/return/create');
});

it('builds request schemas from the zod schemas, with exact casing', () => {
  const document = buildOpenApiDocument();
  const schemas = document.components?.schemas ?? {};
  expect(Object.keys(schemas)).toEqual(
    expect.arrayContaining([
      'PaymentReturnRequestR3',
      'PaymentReturnRequestR2',
      'RemoteCreateRequest',
      'ReturnCreateData',
    ]),
  );
  expect(JSON.stringify(schemas.PaymentReturnRequestR3)).toContain('"OrganizationBin"');
});
