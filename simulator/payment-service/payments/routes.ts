/**
 * The deployed contract's payment routes: look the shop's config up, call Kaspi through the gateway
 * with that config's BIN and device token, log the operation in paymentlog. Status codes as the
 * reference lists them: 404 no config, 403 inactive, 400 no device token or insufficient funds,
 * 500 any other Kaspi error.
 */
import type pg from 'pg';
import { readModel, strParam, type FieldSpec, type FieldValue } from '../contracts/body-model.ts';
import { configNotFound } from '../guide-routes.ts';
import type { JsonResponse, Route, RouteContext } from '../http.ts';
import {
  findConfig,
  findPaymentLog,
  insertLog,
  naiveUtc,
  updateLogStatus,
  type PaymentConfigRow,
} from '../store.ts';
import type { KaspiGateway, KaspiResult, Merchant } from './gateway.ts';

/**
 * Amounts: more than zero (the reference's `amount > 0`), and few enough tenge that paymentlog's
 * integer `amount` column can hold them in kopecks.
 */
const amountBounds = { gt: 0, le: 21_474_836.47 };

const createModel: readonly FieldSpec[] = [
  { name: 'shop_id', kind: 'int', required: true },
  { name: 'amount', kind: 'float', required: true, bounds: amountBounds },
  { name: 'phone', kind: 'str', required: true },
  { name: 'message', kind: 'str', required: true },
];
const createLinkModel: readonly FieldSpec[] = [
  { name: 'shop_id', kind: 'int', required: true },
  { name: 'amount', kind: 'float', required: true, bounds: amountBounds },
  { name: 'message', kind: 'str', required: true },
];
const refundModel: readonly FieldSpec[] = [
  { name: 'shop_id', kind: 'int', required: true },
  // paymentlog.external_id is varchar(50): the refund is logged under it.
  { name: 'external_id', kind: 'str', required: true, maxLength: 50 },
  { name: 'amount', kind: 'float', required: true, bounds: amountBounds },
];

/** Kaspi's "refund amount exceeds the purchase amount": the reference's 400 "insufficient funds". */
const insufficientFunds = -99000005;

const detail = (status: number, text: string): JsonResponse => ({ status, body: { detail: text } });

export interface PaymentDeps {
  pool: pg.Pool;
  kaspi: () => KaspiGateway;
  /** The simulator clock (epoch ms): log timestamps follow it so the poller's ages do too. */
  now: () => number;
}

type Resolved = { config: PaymentConfigRow; merchant: Merchant } | { response: JsonResponse };

async function resolveMerchant(deps: PaymentDeps, ctx: RouteContext, shopId: FieldValue): Promise<Resolved> {
  const stored = await findConfig(deps.pool, String(shopId));
  if (!stored) return { response: configNotFound(String(shopId)) };
  const config = ctx.scope.adjustConfig?.(stored) ?? stored;
  if (!config.is_active)
    return { response: detail(403, `Payment config for shop_id=${config.shop_id} is inactive`) };
  if (!config.device_token) {
    return { response: detail(400, `Payment config for shop_id=${config.shop_id} has no device_token`) };
  }
  return { config, merchant: { organizationBin: config.organization_bin, deviceToken: config.device_token } };
}

/** paymentlog.amount is an integer column "meant as kopecks". */
const kopecks = (amount: number): number => Math.round(amount * 100);

export function paymentRoutes(deps: PaymentDeps): Route[] {
  const log = (
    config: PaymentConfigRow,
    operation: string,
    fields: { external_id?: string | null; amount?: number; status?: string; error_message?: string | null },
  ) =>
    insertLog(deps.pool, {
      shop_id: config.shop_id,
      organization_bin: config.organization_bin,
      operation_type: operation,
      external_id: fields.external_id ?? null,
      amount: fields.amount === undefined ? null : kopecks(fields.amount),
      status: fields.status ?? null,
      error_message: fields.error_message?.slice(0, 500) ?? null,
      created_at: naiveUtc(deps.now()),
    });

  const failed = async (
    config: PaymentConfigRow,
    operation: string,
    result: Extract<KaspiResult<unknown>, { ok: false }>,
    amount: number,
  ): Promise<JsonResponse> => {
    await log(config, operation, { amount, status: 'Error', error_message: result.message });
    return detail(500, `Kaspi API error: ${result.message}`);
  };

  return [
    {
      method: 'POST',
      path: '/payments/kaspi/create',
      handle: async (ctx) => {
        const model = await readModel(ctx, createModel);
        if ('response' in model) return model.response;
        const v = model.values;
        const resolved = await resolveMerchant(deps, ctx, v.shop_id);
        if ('response' in resolved) return resolved.response;
        const amount = v.amount as number;
        const result = await deps.kaspi().create(resolved.merchant, {
          amount,
          phone: v.phone as string,
          comment: v.message as string,
        });
        if (!result.ok) return failed(resolved.config, 'create', result, amount);
        const externalId = String(result.data.QrPaymentId);
        await log(resolved.config, 'create', { external_id: externalId, amount, status: 'Wait' });
        return {
          status: 200,
          body: {
            success: true,
            external_id: externalId,
            status: 'Wait',
            organization_bin: resolved.config.organization_bin,
            error: null,
          },
        };
      },
    },
    {
      method: 'POST',
      path: '/payments/kaspi/create-link',
      handle: async (ctx) => {
        const model = await readModel(ctx, createLinkModel);
        if ('response' in model) return model.response;
        const v = model.values;
        const resolved = await resolveMerchant(deps, ctx, v.shop_id);
        if ('response' in resolved) return resolved.response;
        const amount = v.amount as number;
        const result = await deps.kaspi().createLink(resolved.merchant, { amount });
        if (!result.ok) return failed(resolved.config, 'create-link', result, amount);
        const paymentId = String(result.data.PaymentId);
        await log(resolved.config, 'create-link', {
          external_id: paymentId,
          amount,
          status: 'QrTokenCreated',
        });
        return {
          status: 200,
          body: {
            success: true,
            payment_link: result.data.PaymentLink,
            payment_id: paymentId,
            expire_date: result.data.ExpireDate,
            organization_bin: resolved.config.organization_bin,
            error: null,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/payments/kaspi/status/:external_id',
      handle: async (ctx) => {
        const param = strParam(ctx.params.external_id ?? '', ['path', 'external_id']);
        if ('response' in param) return param.response;
        const externalId = param.value;
        const payment = await findPaymentLog(deps.pool, externalId);
        if (!payment) return detail(404, `Payment not found: external_id=${externalId}`);
        const resolved = await resolveMerchant(deps, ctx, payment.shop_id);
        if ('response' in resolved) return resolved.response;
        const result = await deps.kaspi().status(resolved.merchant, externalId);
        if (!result.ok) return detail(500, `Kaspi API error: ${result.message}`);
        await updateLogStatus(deps.pool, payment.id, result.data.Status);
        return {
          status: 200,
          body: { success: true, external_id: externalId, status: result.data.Status, error: null },
        };
      },
    },
    {
      method: 'POST',
      path: '/payments/kaspi/refund',
      handle: async (ctx) => {
        const model = await readModel(ctx, refundModel);
        if ('response' in model) return model.response;
        const v = model.values;
        const resolved = await resolveMerchant(deps, ctx, v.shop_id);
        if ('response' in resolved) return resolved.response;
        const amount = v.amount as number;
        const externalId = v.external_id as string;
        const result = await deps.kaspi().refund(resolved.merchant, { externalId, amount });
        if (!result.ok) {
          await log(resolved.config, 'refund', {
            external_id: externalId,
            amount,
            status: 'Error',
            error_message: result.message,
          });
          return result.statusCode === insufficientFunds
            ? detail(400, `Insufficient funds for refund: ${result.message}`)
            : detail(500, `Kaspi API error: ${result.message}`);
        }
        await log(resolved.config, 'refund', { external_id: externalId, amount, status: 'Processed' });
        return {
          status: 200,
          body: {
            success: true,
            external_id: externalId,
            refunded_amount: amount,
            organization_bin: resolved.config.organization_bin,
            error: null,
          },
        };
      },
    },
  ];
}
