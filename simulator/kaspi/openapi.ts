/**
 * The OpenAPI 3.0 document of the simulated Kaspi API, generated from the same zod schemas the
 * handlers validate with. Served at `GET /openapi.json` on the control port.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  deviceDeleteRequest,
  deviceDeleteRequestR3,
  deviceRegisterData,
  deviceRegisterRequest,
  deviceRegisterRequestR3,
  envelope,
  errorEnvelope,
  paymentStatusData,
  qrCreateData,
  qrCreateLinkData,
  qrCreateRequest,
  qrCreateRequestR3,
  testPaymentAnswer,
  testPaymentRequest,
  tradePoint,
} from './schemas.ts';
import { schemes } from './handlers.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const kaspiResponses = <T extends z.ZodType>(data: T) => ({
  200: { description: 'Kaspi envelope; StatusCode 0 on success', ...json(envelope(data)) },
  400: { description: 'Body is not a JSON object (StatusCode -999)', ...json(errorEnvelope) },
});

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  for (const scheme of schemes) {
    const r3 = scheme === 'r3';
    const base = `/${scheme}/v01`;
    const tags = [scheme];
    registry.registerPath({
      method: 'post',
      path: `${base}/qr/create`,
      tags,
      request: { body: json(r3 ? qrCreateRequestR3 : qrCreateRequest) },
      responses: kaspiResponses(qrCreateData),
    });
    registry.registerPath({
      method: 'post',
      path: `${base}/qr/create-link`,
      tags,
      request: { body: json(r3 ? qrCreateRequestR3 : qrCreateRequest) },
      responses: kaspiResponses(qrCreateLinkData),
    });
    registry.registerPath({
      method: 'get',
      path: `${base}/payment/status/{QrPaymentId}`,
      tags,
      request: { params: z.object({ QrPaymentId: z.string() }) },
      responses: kaspiResponses(paymentStatusData),
    });
    registry.registerPath({
      method: 'get',
      path: r3 ? `${base}/partner/tradepoints/{organizationBin}` : `${base}/partner/tradepoints`,
      tags,
      ...(r3 ? { request: { params: z.object({ organizationBin: z.string() }) } } : {}),
      responses: kaspiResponses(z.array(tradePoint)),
    });
    registry.registerPath({
      method: 'post',
      path: `${base}/device/register`,
      tags,
      request: { body: json(r3 ? deviceRegisterRequestR3 : deviceRegisterRequest) },
      responses: kaspiResponses(deviceRegisterData),
    });
    registry.registerPath({
      method: 'post',
      path: `${base}/device/delete`,
      tags,
      request: { body: json(r3 ? deviceDeleteRequestR3 : deviceDeleteRequest) },
      responses: kaspiResponses(z.null()),
    });
    registry.registerPath({
      method: 'get',
      path: `${base}/health/ping`,
      tags,
      responses: kaspiResponses(z.null()),
    });
  }
  for (const transition of ['scan', 'confirm', 'scanerror', 'confirmerror']) {
    registry.registerPath({
      method: 'post',
      path: `/test/payment/${transition}`,
      tags: ['test emulators'],
      request: { body: json(testPaymentRequest) },
      responses: { 200: { description: 'Emulator answer', ...json(testPaymentAnswer) } },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Kaspi Pay QR partner API (kaspi-harness simulator)',
      version: '3.9',
      description:
        'Simulated subset of Kaspi Public QR API v3.9. Every answer is an envelope {StatusCode, Message, Data}.',
    },
  });
}
