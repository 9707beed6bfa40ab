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
    ExpireDate: z.string().openapi({ example: '2024-05-01T10:33:00+06:00' }),
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
  .enum(['QrTokenCreated', 'Wait', 'Processed', 'Error', 'RemotePaymentCanceled'])
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

// --- payment details and the v02 status ------------------------------------------------------

const digits = z.string().regex(/^\d{1,15}$/);

export const paymentDetailsQuery = z
  .object({
    QrPaymentId: digits.openapi({ description: 'Purchase id (Int64)' }),
    DeviceToken: z.string().min(1),
  })
  .openapi('PaymentDetailsQuery');

export const paymentDetailsData = z
  .object({
    QrPaymentId: z.number().int(),
    TotalAmount: z.number(),
    AvailableReturnAmount: z.number().openapi({ description: 'What can still be refunded' }),
    TransactionDate: z.string().openapi({ example: '2024-05-01T10:31:00+06:00' }),
  })
  .openapi('PaymentDetailsData');

export const paymentStatusV02Data = z
  .object({
    Status: purchaseStatus,
    TransactionId: z.string().nullable(),
    LoanOfferName: z.string().nullable(),
    LoanTerm: z.number().int().nullable(),
    IsOffer: z.boolean(),
    ProductType: z.string().nullable(),
    Amount: z.number(),
    StoreName: z.string(),
    Address: z.string(),
    City: z.string(),
  })
  .openapi('PaymentStatusV02Data');

// --- refunds -----------------------------------------------------------------------------------

const int64 = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const paymentReturnRequestR3 = z
  .object({
    DeviceToken: z.string().min(1),
    QrPaymentId: int64,
    Amount: z.number().openapi({ description: 'Refund amount; partial or full', example: 500 }),
    OrganizationBin: organizationBin,
  })
  .openapi('PaymentReturnRequestR3');

export const paymentReturnRequestR2 = z
  .object({
    DeviceToken: z.string().min(1),
    QrPaymentId: int64,
    QrReturnId: int64.openapi({ description: 'From return/create, after the customer scanned it' }),
    Amount: z.number(),
  })
  .openapi('PaymentReturnRequestR2');

export const paymentReturnData = z
  .object({ ReturnOperationId: z.number().int() })
  .openapi('PaymentReturnData');

export const returnCreateRequest = z
  .object({ DeviceToken: z.string().min(1), ExternalId: z.string().nullish() })
  .openapi('ReturnCreateRequest');

export const returnCreateData = z
  .object({
    QrToken: z.string(),
    ExpireDate: z.string(),
    QrReturnId: z.number().int(),
    QrReturnBehaviorOptions: z.object({
      QrCodeScanEventPollingInterval: z.number().int(),
      QrCodeScanWaitTimeout: z.number().int(),
    }),
  })
  .openapi('ReturnCreateData');

export const returnStatusData = z
  .object({ Status: z.enum(['QrTokenCreated', 'CustomerIdentityObtained', 'Error']) })
  .openapi('ReturnStatusData');

export const returnOperationsRequest = z
  .object({
    DeviceToken: z.string().min(1),
    QrReturnId: int64,
    MaxResult: z.number().int().positive().optional().openapi({ description: 'At most 10 (default 10)' }),
  })
  .openapi('ReturnOperationsRequest');

export const returnOperationsData = z
  .array(z.object({ QrPaymentId: z.number().int(), TransactionDate: z.string(), Amount: z.number() }))
  .openapi('ReturnOperationsData');

// --- remote invoices (r3) ----------------------------------------------------------------------

export const clientInfoQuery = z
  .object({
    phoneNumber: z.string().min(1).openapi({ example: '7071234567' }),
    deviceToken: z.string().min(1),
  })
  .openapi('ClientInfoQuery');

export const clientInfoData = z.object({ ClientName: z.string() }).openapi('ClientInfoData');

export const remoteCreateRequest = z
  .object({
    OrganizationBin: organizationBin,
    Amount: z.number(),
    PhoneNumber: z.string().min(1).openapi({ example: '7071234567' }),
    DeviceToken: z.string().min(1),
    Comment: z.string().nullish(),
  })
  .openapi('RemoteCreateRequest');

export const remoteCreateData = z.object({ QrPaymentId: z.number().int() }).openapi('RemoteCreateData');

export const remoteCancelRequest = z
  .object({ OrganizationBin: organizationBin, QrPaymentId: int64, DeviceToken: z.string().min(1) })
  .openapi('RemoteCancelRequest');

export const remoteCancelData = z
  .object({ Status: z.literal('RemotePaymentCanceled') })
  .openapi('RemoteCancelData');

/** Simulator-only emulator (Kaspi documents none): the customer scanned a return QR. */
export const testReturnRequest = z
  .object({ qrReturnId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]) })
  .openapi('TestReturnRequest');

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
