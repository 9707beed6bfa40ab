/**
 * One resolver per Kaspi endpoint: parse and validate the request with the zod schemas, call the
 * domain, shape the answer with Kaspi's exact casing. Handlers (handlers.ts) decide where each one
 * is mounted and who may call it.
 */
import type { z } from 'zod';
import {
  binOf,
  invalidAnswer,
  notAJsonObjectAnswer,
  parseId,
  parseJsonObject,
  paymentStatusAnswer,
  plainAnswer,
  qrCreateAnswer,
  type FieldCodes,
  type PlainAnswer,
} from './answers.ts';
import type { EndpointId } from './endpoints.ts';
import type { Outcome } from './outcome.ts';
import { returnBehaviour } from './refund-desk.ts';
import {
  clientInfoQuery,
  deviceDeleteRequest,
  deviceDeleteRequestR3,
  deviceRegisterRequest,
  deviceRegisterRequestR3,
  paymentDetailsQuery,
  paymentReturnRequestR2,
  paymentReturnRequestR3,
  remoteCancelRequest,
  remoteCreateRequest,
  returnCreateRequest,
  returnOperationsRequest,
} from './schemas.ts';
import type { KaspiState } from './state.ts';
import { StatusCode } from './status-codes.ts';
import type { Scheme } from './types.ts';

export interface ResolverInput {
  request: Request;
  url: URL;
  params: Record<string, string | readonly string[] | undefined>;
}

export type Resolver = (input: ResolverInput) => Promise<PlainAnswer> | PlainAnswer;

type Parsed<T> = { ok: true; data: T } | { ok: false; answer: PlainAnswer };

async function parseBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  codes: FieldCodes,
): Promise<Parsed<z.infer<T>>> {
  const body = parseJsonObject(await request.text());
  if (!body) return { ok: false, answer: notAJsonObjectAnswer() };
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, answer: invalidAnswer(parsed.error, codes) };
  return { ok: true, data: parsed.data };
}

function parseQuery<T extends z.ZodType>(url: URL, schema: T, codes: FieldCodes): Parsed<z.infer<T>> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) return { ok: false, answer: invalidAnswer(parsed.error, codes) };
  return { ok: true, data: parsed.data };
}

function answerOf<T>(outcome: Outcome<T>, data: (value: T) => unknown): PlainAnswer {
  if (!outcome.ok) return plainAnswer(outcome.statusCode, outcome.message);
  return plainAnswer(StatusCode.ok, 'OK', data(outcome.value));
}

const param = (value: string | readonly string[] | undefined): string =>
  typeof value === 'string' ? value : '';

const deviceCodes: FieldCodes = {
  DeviceToken: StatusCode.deviceNotFound,
  OrganizationBin: StatusCode.deviceNotFound,
};
const registerCodes: FieldCodes = {
  TradePointId: StatusCode.tradePointNotFound,
  OrganizationBin: StatusCode.tradePointNotFound,
};
const refundCodes: FieldCodes = {
  ...deviceCodes,
  QrPaymentId: StatusCode.refundPurchaseNotFound,
  QrReturnId: StatusCode.refundPurchaseNotFound,
  Amount: StatusCode.wrongAmount,
};
const remoteCodes: FieldCodes = {
  ...deviceCodes,
  deviceToken: StatusCode.deviceNotFound,
  Amount: StatusCode.wrongAmount,
  PhoneNumber: StatusCode.wrongPhoneNumber,
  phoneNumber: StatusCode.wrongPhoneNumber,
  QrPaymentId: StatusCode.purchaseNotFound,
};

/** The resolver of `endpoint` on `scheme`. */
export function resolverFor(state: KaspiState, scheme: Scheme, endpoint: EndpointId): Resolver {
  const r3 = scheme === 'r3';
  switch (endpoint) {
    case 'healthPing':
      return () => plainAnswer(StatusCode.ok, 'OK');
    case 'tradePoints':
      return ({ params }) =>
        answerOf(state.tradePoints(r3 ? param(params.organizationBin) : undefined), (points) =>
          points.map((tp) => ({ TradePointId: tp.tradePointId, TradePointName: tp.tradePointName })),
        );
    case 'deviceRegister':
      return async ({ request }) => {
        const parsed = await parseBody(
          request,
          r3 ? deviceRegisterRequestR3 : deviceRegisterRequest,
          registerCodes,
        );
        if (!parsed.ok) return parsed.answer;
        return answerOf(
          state.registerDevice({
            deviceId: parsed.data.DeviceId,
            tradePointId: parsed.data.TradePointId,
            organizationBin: binOf(parsed.data),
          }),
          (value) => ({ DeviceToken: value.deviceToken }),
        );
      };
    case 'deviceDelete':
      return async ({ request }) => {
        const parsed = await parseBody(
          request,
          r3 ? deviceDeleteRequestR3 : deviceDeleteRequest,
          deviceCodes,
        );
        if (!parsed.ok) return parsed.answer;
        const outcome = state.deleteDevice({
          deviceToken: parsed.data.DeviceToken,
          organizationBin: binOf(parsed.data),
        });
        if (!outcome.ok) return plainAnswer(outcome.statusCode, outcome.message);
        // The document's success answer here is the bare `{"StatusCode":0}`.
        return { httpStatus: 200, body: { StatusCode: StatusCode.ok } };
      };
    case 'qrCreate':
      return async ({ request }) => qrCreateAnswer(state, scheme, 'qr', await request.text());
    case 'qrCreateLink':
      return async ({ request }) => qrCreateAnswer(state, scheme, 'link', await request.text());
    case 'paymentStatus':
      return ({ params }) => paymentStatusAnswer(state, params.QrPaymentId);
    case 'paymentStatusV02':
      return ({ params }) => {
        const id = parseId(params.QrPaymentId);
        if (id === undefined) return plainAnswer(StatusCode.purchaseNotFound, 'Purchase not found');
        return answerOf(state.statusDetails(id), (d) => ({
          Status: d.status,
          TransactionId: d.transactionId,
          LoanOfferName: d.loanOfferName,
          LoanTerm: d.loanTerm,
          IsOffer: d.isOffer,
          ProductType: d.productType,
          Amount: d.amount,
          StoreName: d.storeName,
          Address: d.address,
          City: d.city,
        }));
      };
    case 'paymentDetails':
      return ({ url }) => {
        const parsed = parseQuery(url, paymentDetailsQuery, {
          QrPaymentId: StatusCode.purchaseNotFound,
          DeviceToken: StatusCode.deviceNotFound,
        });
        if (!parsed.ok) return parsed.answer;
        return answerOf(
          state.paymentDetails({
            qrPaymentId: Number(parsed.data.QrPaymentId),
            deviceToken: parsed.data.DeviceToken,
          }),
          (d) => ({
            QrPaymentId: d.qrPaymentId,
            TotalAmount: d.totalAmount,
            AvailableReturnAmount: d.availableReturnAmount,
            TransactionDate: d.transactionDate,
          }),
        );
      };
    case 'paymentReturn':
      return async ({ request }) => {
        if (r3) {
          const parsed = await parseBody(request, paymentReturnRequestR3, refundCodes);
          if (!parsed.ok) return parsed.answer;
          const { DeviceToken, QrPaymentId, Amount, OrganizationBin } = parsed.data;
          return answerOf(
            state.refund({
              scheme,
              deviceToken: DeviceToken,
              qrPaymentId: QrPaymentId,
              amount: Amount,
              organizationBin: OrganizationBin,
            }),
            (v) => ({ ReturnOperationId: v.returnOperationId }),
          );
        }
        const parsed = await parseBody(request, paymentReturnRequestR2, refundCodes);
        if (!parsed.ok) return parsed.answer;
        const { DeviceToken, QrPaymentId, QrReturnId, Amount } = parsed.data;
        return answerOf(
          state.refund({
            scheme,
            deviceToken: DeviceToken,
            qrPaymentId: QrPaymentId,
            amount: Amount,
            qrReturnId: QrReturnId,
          }),
          (v) => ({ ReturnOperationId: v.returnOperationId }),
        );
      };
    case 'returnCreate':
      return async ({ request }) => {
        const parsed = await parseBody(request, returnCreateRequest, deviceCodes);
        if (!parsed.ok) return parsed.answer;
        return answerOf(
          state.createReturn({
            deviceToken: parsed.data.DeviceToken,
            externalId: parsed.data.ExternalId ?? null,
          }),
          (r) => ({
            QrToken: r.qrToken,
            ExpireDate: r.expireDate,
            QrReturnId: r.qrReturnId,
            QrReturnBehaviorOptions: {
              QrCodeScanEventPollingInterval: returnBehaviour.scanEventPollingInterval,
              QrCodeScanWaitTimeout: returnBehaviour.scanWaitTimeout,
            },
          }),
        );
      };
    case 'returnStatus':
      return ({ params }) => {
        const id = parseId(params.QrReturnId);
        if (id === undefined) return plainAnswer(StatusCode.purchaseNotFound, 'Return not found');
        return answerOf(state.returnStatus(id), (status) => ({ Status: status }));
      };
    case 'returnOperations':
      return async ({ request }) => {
        const parsed = await parseBody(request, returnOperationsRequest, refundCodes);
        if (!parsed.ok) return parsed.answer;
        return answerOf(
          state.returnOperations({
            deviceToken: parsed.data.DeviceToken,
            qrReturnId: parsed.data.QrReturnId,
            maxResult: parsed.data.MaxResult ?? 10,
          }),
          (ops) =>
            ops.map((op) => ({
              QrPaymentId: op.qrPaymentId,
              TransactionDate: op.transactionDate,
              Amount: op.amount,
            })),
        );
      };
    case 'remoteClientInfo':
      return ({ url }) => {
        const parsed = parseQuery(url, clientInfoQuery, remoteCodes);
        if (!parsed.ok) return parsed.answer;
        return answerOf(
          state.clientInfo({ deviceToken: parsed.data.deviceToken, phoneNumber: parsed.data.phoneNumber }),
          (info) => ({ ClientName: info.clientName }),
        );
      };
    case 'remoteCreate':
      return async ({ request }) => {
        const parsed = await parseBody(request, remoteCreateRequest, remoteCodes);
        if (!parsed.ok) return parsed.answer;
        const d = parsed.data;
        return answerOf(
          state.createRemoteInvoice({
            scheme,
            deviceToken: d.DeviceToken,
            organizationBin: d.OrganizationBin,
            amount: d.Amount,
            phoneNumber: d.PhoneNumber,
            comment: d.Comment ?? null,
          }),
          (v) => ({ QrPaymentId: v.qrPaymentId }),
        );
      };
    case 'remoteCancel':
      return async ({ request }) => {
        const parsed = await parseBody(request, remoteCancelRequest, remoteCodes);
        if (!parsed.ok) return parsed.answer;
        const d = parsed.data;
        return answerOf(
          state.cancelRemoteInvoice({
            deviceToken: d.DeviceToken,
            organizationBin: d.OrganizationBin,
            qrPaymentId: d.QrPaymentId,
          }),
          (v) => ({ Status: v.status }),
        );
      };
  }
}
