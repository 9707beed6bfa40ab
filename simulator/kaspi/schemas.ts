/**
 * Zod schemas of the Kaspi partner QR API (docs: shared/reference/kaspi-qr-api.md), with the bank's
 * exact field casing. They serve twice: handlers validate request bodies with them, and openapi.ts
 * turns them into the OpenAPI document, so the served contract and the checked one cannot drift.
 *
 * Request schemas only check shape (types, presence). Business limits such as the amount range
 * belong to the domain (state.ts), because Kaspi answers them with business codes, not 400s.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export const organizationBin = z
  .string()
  .openapi({ description: 'Organization BIN (12 digits); r3 only', example: '920317450731' });

export const qrCreateRequest = z
  .object({
    DeviceToken: z.string().min(1).openapi({ description: 'Device token (UUID)' }),
    Amount: z.number().openapi({ description: 'Positive, at most 2 decimals', example: 1500 }),
    ExternalId: z.string().nullish().openapi({ description: 'Partner order id (optional)' }),
  })
  .openapi('QrCreateRequest');

export const qrCreateRequestR3 = qrCreateRequest
  .extend({ OrganizationBin: organizationBin })
  .openapi('QrCreateRequestR3');

export const paymentMethods = z.array(z.string()).openapi({ example: ['Gold', 'Red', 'Loan'] });

export const qrCreateData = z
  .object({
    QrToken: z.string(),
    ExpireDate: z.string().openapi({ example: '2024-05-01T10:33:00+05:00' }),
    QrPaymentId: z.number().int(),
    PaymentMethods: paymentMethods,
    QrPaymentBehaviorOptions: z.object({
      StatusPollingInterval: z.number().int(),
      QrCodeScanWaitTimeout: z.number().int(),
      PaymentConfirmationTimeout: z.number().int(),
    }),
  })
  .openapi('QrCreateData');

export const qrCreateLinkData = z
  .object({
    PaymentLink: z.string().openapi({ example: 'https://pay.kaspi.kz/pay/12345678' }),
    ExpireDate: z.string(),
    PaymentId: z.number().int().openapi({ description: 'Note: not QrPaymentId' }),
    PaymentMethods: paymentMethods,
    PaymentBehaviorOptions: z.object({
      StatusPollingInterval: z.number().int(),
      LinkActivationWaitTimeout: z.number().int(),
      PaymentConfirmationTimeout: z.number().int(),
    }),
  })
  .openapi('QrCreateLinkData');

export const purchaseStatus = z
  .enum(['QrTokenCreated', 'Wait', 'Processed', 'Error'])
  .openapi('PurchaseStatus');

export const paymentStatusData = z.object({ Status: purchaseStatus }).openapi('PaymentStatusData');

export const tradePoint = z
  .object({ TradePointId: z.number().int(), TradePointName: z.string() })
  .openapi('TradePoint');

export const deviceRegisterRequest = z
  .object({
    DeviceId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/)
      .openapi({ description: 'Latin letters, digits, `-`, `_`' }),
    TradePointId: z.number().int().positive(),
  })
  .openapi('DeviceRegisterRequest');

export const deviceRegisterRequestR3 = deviceRegisterRequest
  .extend({ OrganizationBin: organizationBin })
  .openapi('DeviceRegisterRequestR3');

export const deviceRegisterData = z.object({ DeviceToken: z.string() }).openapi('DeviceRegisterData');

export const deviceDeleteRequest = z
  .object({ DeviceToken: z.string().min(1) })
  .openapi('DeviceDeleteRequest');

export const deviceDeleteRequestR3 = deviceDeleteRequest
  .extend({ OrganizationBin: organizationBin })
  .openapi('DeviceDeleteRequestR3');

/** Kaspi's test emulators take camelCase and a string id; a number is accepted too. */
export const testPaymentRequest = z
  .object({ qrPaymentId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]) })
  .openapi('TestPaymentRequest');

export const testPaymentAnswer = z
  .object({ StatusCode: z.number().int(), message: z.string() })
  .openapi('TestPaymentAnswer');

/** Every Kaspi answer: `{StatusCode, Message?, Data?}`, always HTTP 200 except for unparsable bodies. */
export function envelope<T extends z.ZodType>(data: T) {
  return z.object({
    StatusCode: z.number().int().openapi({ description: '0 = OK; see the StatusCode catalogue' }),
    Message: z.string().optional(),
    Data: data.optional(),
  });
}

export const errorEnvelope = z
  .object({ StatusCode: z.number().int(), Message: z.string() })
  .openapi('ErrorEnvelope');

export type QrCreateRequest = z.infer<typeof qrCreateRequestR3>;
export type QrCreateData = z.infer<typeof qrCreateData>;
export type QrCreateLinkData = z.infer<typeof qrCreateLinkData>;
export type DeviceRegisterRequest = z.infer<typeof deviceRegisterRequestR3>;

/** The top-level field that failed validation first, so handlers can pick Kaspi's code for it. */
export function firstInvalidField(error: z.ZodError): string | undefined {
  const key = error.issues[0]?.path[0];
  return typeof key === 'string' ? key : undefined;
}
