/**
 * The scripted conversation parity runs against both targets: trade points, device registration,
 * QR purchase, the `/test/payment/*` emulators, status after each move, a refund, and the error
 * cases a client must handle. Steps read what earlier answers returned (trade point, token, id).
 */
export interface ConversationContext {
  bin: string;
  tradePointId?: number;
  deviceToken?: string;
  qrPaymentId?: number;
}

export interface Step {
  name: string;
  method: 'GET' | 'POST';
  path(ctx: ConversationContext): string;
  body?(ctx: ConversationContext): unknown;
  /** Reads what later steps need from the answer. */
  remember?(ctx: ConversationContext, body: unknown): void;
}

function data(body: unknown): Record<string, unknown> | undefined {
  const value = (body as { Data?: unknown } | null)?.Data;
  if (Array.isArray(value)) return value[0] as Record<string, unknown> | undefined;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

const numberField = (body: unknown, key: string) => {
  const value = data(body)?.[key];
  return typeof value === 'number' ? value : undefined;
};

export const conversation: readonly Step[] = [
  { name: 'health ping', method: 'GET', path: () => '/r1/v01/health/ping' },
  {
    name: 'trade points of the BIN',
    method: 'GET',
    path: (ctx) => `/r3/v01/partner/tradepoints/${ctx.bin}`,
    remember: (ctx, body) => {
      ctx.tradePointId = numberField(body, 'TradePointId');
    },
  },
  {
    name: 'device register',
    method: 'POST',
    path: () => '/r3/v01/device/register',
    body: (ctx) => ({
      DeviceId: 'parity-device-1',
      TradePointId: ctx.tradePointId ?? 0,
      OrganizationBin: ctx.bin,
    }),
    remember: (ctx, body) => {
      const token = data(body)?.DeviceToken;
      ctx.deviceToken = typeof token === 'string' ? token : undefined;
    },
  },
  {
    name: 'qr create',
    method: 'POST',
    path: () => '/r3/v01/qr/create',
    body: (ctx) => ({
      DeviceToken: ctx.deviceToken ?? '',
      Amount: 200,
      ExternalId: 'parity-1',
      OrganizationBin: ctx.bin,
    }),
    remember: (ctx, body) => {
      ctx.qrPaymentId = numberField(body, 'QrPaymentId');
    },
  },
  {
    name: 'status after create',
    method: 'GET',
    path: (ctx) => `/r3/v01/payment/status/${ctx.qrPaymentId ?? 0}`,
  },
  {
    name: 'emulate scan',
    method: 'POST',
    path: () => '/test/payment/scan',
    body: (ctx) => ({ qrPaymentId: String(ctx.qrPaymentId ?? 0) }),
  },
  {
    name: 'status after scan',
    method: 'GET',
    path: (ctx) => `/r3/v01/payment/status/${ctx.qrPaymentId ?? 0}`,
  },
  {
    name: 'emulate confirm',
    method: 'POST',
    path: () => '/test/payment/confirm',
    body: (ctx) => ({ qrPaymentId: String(ctx.qrPaymentId ?? 0) }),
  },
  {
    name: 'status after confirm',
    method: 'GET',
    path: (ctx) => `/r3/v01/payment/status/${ctx.qrPaymentId ?? 0}`,
  },
  {
    name: 'refund half',
    method: 'POST',
    path: () => '/r3/v01/payment/return',
    body: (ctx) => ({
      DeviceToken: ctx.deviceToken ?? '',
      QrPaymentId: ctx.qrPaymentId ?? 0,
      Amount: 100,
      OrganizationBin: ctx.bin,
    }),
  },
  // --- error cases ---
  {
    name: 'error: confirm twice',
    method: 'POST',
    path: () => '/test/payment/confirm',
    body: (ctx) => ({ qrPaymentId: String(ctx.qrPaymentId ?? 0) }),
  },
  {
    name: 'error: amount zero',
    method: 'POST',
    path: () => '/r3/v01/qr/create',
    body: (ctx) => ({ DeviceToken: ctx.deviceToken ?? '', Amount: 0, OrganizationBin: ctx.bin }),
  },
  {
    name: 'error: unknown device token',
    method: 'POST',
    path: () => '/r3/v01/qr/create',
    body: (ctx) => ({
      DeviceToken: '00000000-0000-4000-8000-000000000000',
      Amount: 10,
      OrganizationBin: ctx.bin,
    }),
  },
  { name: 'error: unknown purchase', method: 'GET', path: () => '/r3/v01/payment/status/1' },
  {
    name: 'error: foreign trade point',
    method: 'POST',
    path: () => '/r3/v01/device/register',
    body: (ctx) => ({ DeviceId: 'parity-device-2', TradePointId: 1, OrganizationBin: ctx.bin }),
  },
  {
    name: 'device delete',
    method: 'POST',
    path: () => '/r3/v01/device/delete',
    body: (ctx) => ({ DeviceToken: ctx.deviceToken ?? '', OrganizationBin: ctx.bin }),
  },
];
