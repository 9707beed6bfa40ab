/**
 * The PHP proxy the deployed payment-service calls instead of Kaspi:
 * `GET https://cvety.kz/api/v2/paymentkaspi/{create|create-link|status|refund}/?access_token=&phone=
 * &amount=&message=&organizationBin=&deviceToken=&externalId=`, answering
 * `{"status": true, "data": {...}, "http_code": 200}`. It forwards to Kaspi r3 (here: a direct
 * gateway to the Kaspi simulator). `proxyGateway` is the payment-service's side of that wire.
 */
import { requestTarget } from '../../../platform/http-limits.ts';
import { listenHttp, type HttpListener } from '../../../platform/http-server.ts';
import type { KaspiGateway, KaspiOperation, KaspiResult, Merchant } from './gateway.ts';

export const proxyPathPrefix = '/api/v2/paymentkaspi/';
const operations: readonly KaspiOperation[] = ['create', 'create-link', 'status', 'refund'];

interface ProxyAnswer {
  status: boolean;
  data: unknown;
  http_code: number;
  message?: string;
  status_code?: number | null;
}

async function forward(
  kaspi: KaspiGateway,
  op: KaspiOperation,
  q: URLSearchParams,
): Promise<KaspiResult<unknown>> {
  const merchant: Merchant = {
    organizationBin: q.get('organizationBin') ?? '',
    deviceToken: q.get('deviceToken') ?? '',
  };
  const amount = Number(q.get('amount') ?? '');
  const externalId = q.get('externalId') ?? '';
  switch (op) {
    case 'create':
      return kaspi.create(merchant, { amount, phone: q.get('phone') ?? '', comment: q.get('message') ?? '' });
    case 'create-link':
      return kaspi.createLink(merchant, { amount, ...(externalId ? { externalId } : {}) });
    case 'status':
      return kaspi.status(merchant, externalId);
    case 'refund':
      return kaspi.refund(merchant, { externalId, amount });
  }
}

export type BitrixProxy = HttpListener;

export function startBitrixProxy(kaspi: KaspiGateway, accessToken: string): Promise<BitrixProxy> {
  return listenHttp((req, res) => {
    const url = requestTarget(req.url) ?? new URL('http://localhost/');
    const op = url.pathname.slice(proxyPathPrefix.length).replace(/\/$/, '') as KaspiOperation;
    const send = (code: number, answer: ProxyAnswer): void => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    };
    if (req.method !== 'GET' || !url.pathname.startsWith(proxyPathPrefix) || !operations.includes(op)) {
      send(404, { status: false, data: null, http_code: 404, message: 'unknown method' });
      return;
    }
    if (url.searchParams.get('access_token') !== accessToken) {
      send(401, { status: false, data: null, http_code: 401, message: 'invalid access_token' });
      return;
    }
    forward(kaspi, op, url.searchParams).then(
      (result) =>
        result.ok
          ? send(200, { status: true, data: result.data, http_code: 200 })
          : send(200, {
              status: false,
              data: null,
              http_code: 200,
              message: result.message,
              status_code: result.statusCode,
            }),
      () => send(500, { status: false, data: null, http_code: 500, message: 'proxy failure' }),
    );
  });
}

/** The payment-service's client of the proxy: the reference's query-string shape. */
export function proxyGateway(proxyUrl: string, accessToken: string): KaspiGateway {
  const base = proxyUrl.replace(/\/+$/, '');
  const get = async <T>(
    op: KaspiOperation,
    m: Merchant,
    params: Record<string, string>,
  ): Promise<KaspiResult<T>> => {
    const query = new URLSearchParams({
      access_token: accessToken,
      organizationBin: m.organizationBin,
      deviceToken: m.deviceToken,
      ...params,
    });
    try {
      const response = await fetch(`${base}${proxyPathPrefix}${op}/?${query}`, {
        signal: AbortSignal.timeout(10_000),
      });
      const answer = (await response.json()) as Partial<ProxyAnswer>;
      if (answer.status === true) return { ok: true, data: answer.data as T };
      return {
        ok: false,
        statusCode: typeof answer.status_code === 'number' ? answer.status_code : null,
        message: answer.message ?? `proxy answered HTTP ${response.status}`,
      };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        message: `Bitrix proxy unreachable: ${(error as Error).message}`,
      };
    }
  };
  return {
    create: (m, input) =>
      get('create', m, { amount: String(input.amount), phone: input.phone, message: input.comment }),
    createLink: (m, input) =>
      get('create-link', m, {
        amount: String(input.amount),
        ...(input.externalId ? { externalId: input.externalId } : {}),
      }),
    status: (m, externalId) => get('status', m, { externalId }),
    refund: (m, input) => get('refund', m, { amount: String(input.amount), externalId: input.externalId }),
  };
}
