/**
 * The OpenAPI 3.0 document of the simulated Kaspi API, generated from the endpoint table the
 * handlers are mounted from and the zod schemas they validate with, so it covers exactly what is
 * served. Served at `GET /openapi.json` on the control port.
 */
import { OpenAPIRegistry, OpenApiGeneratorV3, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  endpointIds,
  endpoints,
  openApiPath,
  paymentEmulators,
  returnScanEmulatorPath,
  schemes,
  type EndpointId,
} from './endpoints.ts';
import {
  clientInfoData,
  clientInfoQuery,
  deviceDeleteRequest,
  deviceDeleteRequestR3,
  deviceRegisterData,
  deviceRegisterRequest,
  deviceRegisterRequestR3,
  envelope,
  errorEnvelope,
  paymentDetailsData,
  paymentDetailsQuery,
  paymentReturnData,
  paymentReturnRequestR2,
  paymentReturnRequestR3,
  paymentStatusData,
  paymentStatusV02Data,
  qrCreateData,
  qrCreateLinkData,
  qrCreateRequest,
  qrCreateRequestR3,
  remoteCancelData,
  remoteCancelRequest,
  remoteCreateData,
  remoteCreateRequest,
  returnCreateData,
  returnCreateRequest,
  returnOperationsData,
  returnOperationsRequest,
  returnStatusData,
  testPaymentAnswer,
  testPaymentRequest,
  testReturnRequest,
  tradePoint,
} from './schemas.ts';
import type { Scheme } from './types.ts';

const json = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

const kaspiResponses = <T extends z.ZodType>(data: T) => ({
  200: {
    description: 'Kaspi envelope; StatusCode 0 on success, -10000 without valid credentials',
    ...json(envelope(data)),
  },
  400: { description: 'Body is not a JSON object (StatusCode -999)', ...json(errorEnvelope) },
});

type Request = NonNullable<RouteConfig['request']>;

interface Contract {
  request?: Request;
  data: z.ZodType;
}

const idParam = (name: string) => ({ params: z.object({ [name]: z.string() }) });

/** Request and answer schemas of an endpoint on a scheme. */
function contract(id: EndpointId, scheme: Scheme): Contract {
  const r3 = scheme === 'r3';
  switch (id) {
    case 'tradePoints':
      return { request: r3 ? idParam('organizationBin') : undefined, data: z.array(tradePoint) };
    case 'deviceRegister':
      return {
        request: { body: json(r3 ? deviceRegisterRequestR3 : deviceRegisterRequest) },
        data: deviceRegisterData,
      };
    case 'deviceDelete':
      return { request: { body: json(r3 ? deviceDeleteRequestR3 : deviceDeleteRequest) }, data: z.null() };
    case 'qrCreate':
      return { request: { body: json(r3 ? qrCreateRequestR3 : qrCreateRequest) }, data: qrCreateData };
    case 'qrCreateLink':
      return { request: { body: json(r3 ? qrCreateRequestR3 : qrCreateRequest) }, data: qrCreateLinkData };
    case 'paymentStatus':
      return { request: idParam('QrPaymentId'), data: paymentStatusData };
    case 'paymentStatusV02':
      return { request: idParam('QrPaymentId'), data: paymentStatusV02Data };
    case 'paymentDetails':
      return { request: { query: paymentDetailsQuery }, data: paymentDetailsData };
    case 'paymentReturn':
      return {
        request: { body: json(r3 ? paymentReturnRequestR3 : paymentReturnRequestR2) },
        data: paymentReturnData,
      };
    case 'returnCreate':
      return { request: { body: json(returnCreateRequest) }, data: returnCreateData };
    case 'returnStatus':
      return { request: idParam('QrReturnId'), data: returnStatusData };
    case 'returnOperations':
      return { request: { body: json(returnOperationsRequest) }, data: returnOperationsData };
    case 'remoteClientInfo':
      return { request: { query: clientInfoQuery }, data: clientInfoData };
    case 'remoteCreate':
      return { request: { body: json(remoteCreateRequest) }, data: remoteCreateData };
    case 'remoteCancel':
      return { request: { body: json(remoteCancelRequest) }, data: remoteCancelData };
    case 'healthPing':
      return { data: z.null() };
  }
}

const security: Record<Scheme, RouteConfig['security']> = {
  r1: [{ apiKey: [] }],
  r2: [{ clientCertificate: [] }],
  r3: [{ clientCertificate: [] }],
};

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV3['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'Api-Key' });
  registry.registerComponent('securitySchemes', 'clientCertificate', {
    type: 'http',
    scheme: 'mutual-tls',
    description: 'Client certificate (mutual TLS); -10000 without one',
  });
  for (const scheme of schemes) {
    for (const id of endpointIds) {
      const endpoint = endpoints[id];
      if (!endpoint.schemes.includes(scheme)) continue;
      const { request, data } = contract(id, scheme);
      registry.registerPath({
        method: endpoint.method,
        path: openApiPath(scheme, endpoint),
        operationId: `${scheme}.${endpoint.version}.${id}`,
        tags: [scheme],
        security: security[scheme],
        ...(request ? { request } : {}),
        responses: kaspiResponses(data),
      });
    }
  }
  for (const transition of paymentEmulators) {
    registry.registerPath({
      method: 'post',
      path: `/test/payment/${transition}`,
      tags: ['test emulators'],
      request: { body: json(testPaymentRequest) },
      responses: { 200: { description: 'Emulator answer', ...json(testPaymentAnswer) } },
    });
  }
  registry.registerPath({
    method: 'post',
    path: returnScanEmulatorPath,
    tags: ['test emulators'],
    description: 'Simulator-only: the customer scanned a return QR (r2 refund with the customer present)',
    request: { body: json(testReturnRequest) },
    responses: { 200: { description: 'Emulator answer', ...json(testPaymentAnswer) } },
  });
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Kaspi Pay QR partner API (kaspi-harness simulator)',
      version: '3.9',
      description:
        'Kaspi Public QR API v3.9 as simulated: every answer is an envelope {StatusCode, Message, Data}.',
    },
  });
}
