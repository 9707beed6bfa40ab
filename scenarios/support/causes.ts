/**
 * Root causes. A failing check names the first hop of its payment that went wrong, and how, so that
 * the report can group hundreds of failing checks under the few bugs behind them, each with a fix hint.
 * A cause is derived from the evidence the stores and journals hold — where the money landed, what
 * Kaspi and the payment-service answered, what the checkout returned — so its reason never contradicts
 * the trace printed beside it.
 */
import type { TaskMeta } from 'vitest';
import {
  defaultShopId,
  fallbackOrganization,
  maskToken,
  organizationByBin,
  sellerByShopId,
  type Seller,
} from '../../fixtures/organizations.ts';
import type { Expectation } from './verdict.ts';

/** Where along a payment's way something went wrong. */
export type Hop =
  | 'stack'
  | 'sandbox'
  | 'customer → Bitrix'
  | 'Bitrix → payment-service'
  | 'payment-service → Bitrix'
  | 'Bitrix → Kaspi'
  | 'Kaspi → Bitrix'
  | 'Bitrix → order'
  | 'Bitrix → paymentlog'
  | 'Bitrix → log file'
  | 'check';

export interface Cause {
  /** Groups the checks that share it: `kaspi-answer-unread`, `drift:GET /api/payment/config`, … */
  key: string;
  hop: Hop;
  /** What went wrong, in one line that holds for every check of the group. */
  what: string;
  /** One line: what to change. */
  fix: string;
}

declare module 'vitest' {
  interface TaskMeta {
    cause?: Cause;
  }
}

/**
 * The site called a method the team's class does not have (the Bitrix stub answers 501
 * not_implemented, naming it). Not a routing result: the check is skipped, and the missing method is a
 * defect that fails the run unless the team accepts it (a site that never sends remote invoices, say).
 */
export class NotImplemented extends Error {
  readonly method: string;
  /** `message`: the stub's answer, which names the method (`Integration\Kaspi\ApiClient::status is not implemented`). */
  constructor(message: string) {
    const method = /([\w\\]+::\w+)/.exec(message)?.[1] ?? message;
    super(`${method} is not implemented`);
    this.method = method;
  }

  /** The defect a run reports for it (forEachSeller records it and skips the check). */
  record(meta: TaskMeta, suite: string): void {
    const key = `not-implemented:${this.method}`;
    if ((meta.findings ?? []).some((finding) => finding.key === key)) return;
    (meta.findings ??= []).push({
      suite,
      key,
      severity: 'defect',
      message: `The site calls ${this.method}, which the team's class does not have.`,
    });
  }
}

/** The first cause recorded for a check wins: checks assert their hops in order. */
export function recordCause(meta: TaskMeta | undefined, cause: Cause): void {
  if (meta && !meta.cause) meta.cause = cause;
}

/** Runs `assertion`; when it fails, the check's cause is `cause` (unless an earlier hop already failed). */
export async function because(
  meta: TaskMeta | undefined,
  cause: Cause,
  assertion: () => void | Promise<void>,
): Promise<void> {
  try {
    await assertion();
  } catch (error) {
    recordCause(meta, cause);
    throw error;
  }
}

/** What a scenario did to the world before the payment, so a diagnosis can tell a bug from the set-up. */
export interface PaymentContext {
  /** The seller's config was cached by an earlier checkout (warm), or the cache was cleared (cold). */
  cache?: 'warm' | 'cold';
  /** The payment-service breakage the scenario switched on (`HTTP 500`, `inactive config` …). */
  outage?: string;
  /** The service is healthy again after an outage in which payments fell back. */
  afterOutage?: boolean;
  /** What the customer's browser added to move the money (`?shop_id=`, `X-Shop-Id` …). */
  tampering?: string;
  /** How the site called the class: with the seller's shop id, or from an order context without one. */
  callShape?: 'with-shop-id' | 'order-context';
  /** The Kaspi breakage the scenario switched on, when the payment is expected to fail. */
  kaspiFault?: string;
}

export interface KaspiHop {
  method: string;
  path: string;
  organizationBin: string | null;
  deviceToken: string | null;
  httpStatus: number;
  statusCode: number | null;
  nearMiss?: string[];
}

export interface ServiceHop {
  method: string;
  path: string;
  status: number;
  fault?: string;
  drift?: boolean;
}

export interface DriftHop {
  method: string;
  path: string;
  profile: string;
  nearest: string[];
}

export interface PaymentEvidence {
  seller: Seller;
  expectation: Expectation;
  context: PaymentContext;
  checkout: {
    ok: boolean;
    httpStatus: number;
    errorCode?: string;
    errorMessage?: string;
  };
  /** The purchase Kaspi holds for this checkout (found by its order even when the checkout failed). */
  landed: { organizationBin: string; deviceToken: string; qrPaymentId: number } | null;
  kaspi: readonly KaspiHop[];
  service: readonly ServiceHop[];
  drift: readonly DriftHop[];
  deaths: readonly string[];
  refusedEgress: readonly string[];
}

export interface Diagnosis {
  cause: Cause;
  /** This payment's own account of it, consistent with its trace. */
  reason: string;
}

const pathOnly = (path: string): string => path.split('?')[0] ?? path;
const nameOf = (bin: string): string => {
  const owner = organizationByBin(bin);
  return owner ? `${bin} (${owner.name})` : bin;
};
const shopIdIn = (path: string): number | undefined => {
  const match = /[?&]shop_id=(\d+)|\/configs\/(\d+)(?:$|[/?])/.exec(path);
  const raw = match?.[1] ?? match?.[2];
  return raw === undefined ? undefined : Number(raw);
};
const isLookup = (hop: ServiceHop): boolean =>
  hop.method === 'GET' && (/\/payment\/config/.test(hop.path) || /\/configs\/\d+/.test(hop.path));

/** What a Kaspi StatusCode means for a partner, and what to change; from kaspi-qr-api.md. */
const kaspiCodes: Record<number, { meaning: string; fix: string }> = {
  [-10000]: {
    meaning: 'no client certificate',
    fix: 'send the partner certificate and key on every r3 call (CURLOPT_SSLCERT / CURLOPT_SSLKEY)',
  },
  [-1501]: {
    meaning: 'device not found under that BIN',
    fix: "send the DeviceToken and OrganizationBin of the same config: the seller's, from the payment-service",
  },
  [-1502]: {
    meaning: 'device inactive',
    fix: "the seller's device was deleted or disabled at Kaspi: register it again and update paymentconfig",
  },
  [-999]: { meaning: 'service temporarily unavailable', fix: "retry later: Kaspi's answer is temporary" },
  [990000018]: {
    meaning: 'trade point disabled',
    fix: "enable the seller's trade point in the Kaspi Pay app",
  },
  [990000028]: {
    meaning: 'wrong amount',
    fix: "send Amount as the order's price in tenge, a positive number (not kopecks, not a string)",
  },
};

/** The file a curl error names when the code opens a certificate, key or CA the sandbox lacks. */
export function missingFileIn(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const patterns = [
    /could not load \w+ client certificate from (\/\S+?),/,
    /unable to set private key file: '([^']+)'/,
    /error setting certificate (?:verify locations|file):\s*(?:CAfile:\s*)?(\/\S+)/,
    /unable to use client certificate[^/]*(\/\S+)/,
  ];
  for (const pattern of patterns) {
    const path = pattern.exec(message)?.[1];
    if (path) return path.replace(/[,;]$/, '');
  }
  return undefined;
}

export const causes = {
  serviceDied: (services: readonly string[]): Cause => ({
    key: `stack-died:${services.join('+')}`,
    hop: 'stack',
    what: `${services.join(', ')} died during the run: payments after that are not routing results`,
    fix: "a harness failure, not the team's code: read the service's log in the report's logs/ and run again",
  }),
  egressRefused: (destination: string): Cause => ({
    key: `egress:${destination}`,
    hop: 'sandbox',
    what: `the PHP code tried to reach ${destination}, which neither Kaspi nor the payment-service answers for`,
    fix: 'call only Kaspi and the payment-service from the payment path (or add the host to the sandbox if it is one of your own services)',
  }),
  missingFile: (path: string): Cause => ({
    key: `missing-file:${path}`,
    hop: 'Bitrix → Kaspi',
    what: `the code opens ${path}, which the sandbox does not provide`,
    fix: `declare it in harness-files.json next to your classes (or --php-files): {"path": "${path}", "generate": "${/key/i.test(path) ? 'client-key' : 'client-pem'}"}`,
  }),
  notImplemented: (method: string): Cause => ({
    key: `not-implemented:${method}`,
    hop: 'customer → Bitrix',
    what: `the site calls ${method}, which the team's class does not have`,
    fix: `add ${method} with the interface the site calls (bitrix-surface.md), or accept the finding if the site never calls it`,
  }),
  drift: (hop: DriftHop): Cause => ({
    key: `drift:${hop.method} ${pathOnly(hop.path)}`,
    hop: 'Bitrix → payment-service',
    what: `the class calls ${hop.method} ${pathOnly(hop.path)}, which the "${hop.profile}" contract does not serve`,
    fix: hop.nearest.length
      ? `call what the deployment serves (nearest: ${hop.nearest.slice(0, 3).join(', ')}), or declare the contract it really serves (--payment-service-contract)`
      : 'declare the contract the deployment really serves (--payment-service-contract)',
  }),
  lookupOfOtherShop: (): Cause => ({
    key: 'lookup-other-shop',
    hop: 'Bitrix → payment-service',
    what: "the class looked up another shop's config than the order's seller",
    fix: 'look up the shop_id of the seller of the order being paid',
  }),
  configRejected: (): Cause => ({
    key: 'config-rejected',
    hop: 'payment-service → Bitrix',
    what: "the payment-service answered the lookup with the seller's valid config, yet the class paid the marketplace fallback",
    fix: "send the organization_bin and device_token of the config the service answered (only a failed lookup may use the marketplace's), and check how the answer is validated: HTTP 200, shop_id, is_active true, device_token",
  }),
  noLookup: (): Cause => ({
    key: 'no-lookup',
    hop: 'Bitrix → payment-service',
    what: 'with a cold cache the class asked the payment-service nothing and paid the marketplace fallback',
    fix: "look the seller's BIN and device token up in the payment-service (getPaymentConfig) for every payment",
  }),
  cacheNotUsed: (outage: string): Cause => ({
    key: 'cache-not-used',
    hop: 'Bitrix → payment-service',
    what: `the seller's config was cached by an earlier payment, but the class asked the payment-service again (${outage}) and paid the marketplace fallback`,
    fix: "cache a good config across requests in the Bitrix cache for the guide's hour, and read it before calling the service",
  }),
  cachedFallback: (): Cause => ({
    key: 'cached-fallback',
    hop: 'Bitrix → payment-service',
    what: 'the class paid the marketplace fallback from its cache without asking the payment-service: a fallback was cached',
    fix: 'never cache a fallback config: the next payment must retry the lookup',
  }),
  lookupFailed: (status: string): Cause => ({
    key: `lookup-failed:${status}`,
    hop: 'Bitrix → payment-service',
    what: `the config lookup failed (${status}) although the service was up, and the class paid the marketplace fallback`,
    fix: 'call the lookup route the contract serves, with the shop_id of the seller, and read its 200 answer',
  }),
  outageNotDetected: (outage: string): Cause => ({
    key: `outage-not-detected:${outage}`,
    hop: 'payment-service → Bitrix',
    what: `the payment-service's answer should have made the class fall back (${outage}), but it paid the seller`,
    fix: outageFix(outage),
  }),
  staleCache: (): Cause => ({
    key: 'cache-outside-bitrix',
    hop: 'Bitrix → payment-service',
    what: 'the class paid from a cached config although Bitrix\'s cache had been cleared: it caches somewhere "Clear cache" does not reach',
    fix: 'keep the config cache in Bitrix\'s cache (bitrix/cache or bitrix/managed_cache), which the admin panel\'s "Clear cache" empties',
  }),
  paidDefaultShop: (): Cause => ({
    key: 'paid-default-shop',
    hop: 'Bitrix → payment-service',
    what: `the class could not tell the order's seller and used the default shop ${defaultShopId}: other sellers' money went to it`,
    fix: 'find the seller of the order itself (its SHOP_ID property, or the shop of its products); never fall back to a default seller',
  }),
  sellerFromRequest: (tampering: string): Cause => ({
    key: 'seller-from-request',
    hop: 'customer → Bitrix',
    what: `the seller came from what the customer's browser sent (${tampering}), not from the order`,
    fix: "take the seller from the order (or the caller's explicit shop id); never from request parameters or headers",
  }),
  otherShopCached: (): Cause => ({
    key: 'cache-not-per-shop',
    hop: 'Bitrix → payment-service',
    what: "the class paid from another shop's cached config: its cache key does not tell the shops apart",
    fix: 'key the config cache by shop_id (and check the cached shop_id matches)',
  }),
  paidOtherSeller: (): Cause => ({
    key: 'paid-other-seller',
    hop: 'Bitrix → Kaspi',
    what: "the purchase was created on another seller's BIN",
    fix: "send the OrganizationBin and DeviceToken of the order's seller, from its own config",
  }),
  tokenMismatch: (): Cause => ({
    key: 'token-mismatch',
    hop: 'Bitrix → Kaspi',
    what: "the right BIN was paid through another organization's device token",
    fix: 'send DeviceToken and OrganizationBin from the same config',
  }),
  kaspiAnswerUnread: (): Cause => ({
    key: 'kaspi-answer-unread',
    hop: 'Kaspi → Bitrix',
    what: 'Kaspi created the purchase (StatusCode 0), but ApiClient returned no decoded answer to the site',
    fix: "decode Kaspi's body alone: with CURLOPT_HEADER, cut at CURLINFO_HEADER_SIZE (not at the first blank line or a fixed offset) and json_decode the rest into `data`",
  }),
  kaspiRefused: (path: string, code: number): Cause => ({
    key: `kaspi-refused:${pathOnly(path)}:${code}`,
    hop: 'Bitrix → Kaspi',
    what: `Kaspi refused ${pathOnly(path)} with StatusCode ${code}${kaspiCodes[code] ? ` (${kaspiCodes[code]!.meaning})` : ''}`,
    fix: kaspiCodes[code]?.fix ?? "check the request against Kaspi's reference for this StatusCode",
  }),
  kaspiUnknownEndpoint: (method: string, path: string, nearMiss: readonly string[]): Cause => ({
    key: `kaspi-endpoint:${method} ${pathOnly(path)}`,
    hop: 'Bitrix → Kaspi',
    what: `the class called ${method} ${pathOnly(path)}, which Kaspi does not have`,
    fix: nearMiss.length ? `call ${nearMiss[0]}` : "call the r3 endpoint of Kaspi's reference",
  }),
  kaspiUnreachable: (error: string): Cause => ({
    key: `kaspi-unreachable:${error.replace(/\d+/g, '#').slice(0, 80)}`,
    hop: 'Bitrix → Kaspi',
    what: `ApiClient did not reach Kaspi: ${error}`,
    fix: 'the request never left: check the URL, the certificate files and the curl options',
  }),
  siteError: (code: string, message: string): Cause => ({
    key: `site-error:${code}:${(/^[\w\\]+(?=:)/.exec(message)?.[0] ?? message).slice(0, 60)}`,
    hop: 'customer → Bitrix',
    what: `the checkout failed before Kaspi was called: ${code} — ${message.split('\n')[0]!.slice(0, 200)}`,
    fix: "read the PHP log in the report's logs/: the class threw or PHP failed on the payment path",
  }),
  stepFailed: (step: string, message: string): Cause => ({
    key: `step-failed:${step}`,
    hop: 'Kaspi → Bitrix',
    what: `Kaspi answered the ${step}, but the site reported it failed: ${message.split('\n')[0]!.slice(0, 200)}`,
    fix: "return Kaspi's decoded answer as `data`, and read StatusCode 0 as success",
  }),
  nothingCalled: (): Cause => ({
    key: 'no-kaspi-call',
    hop: 'Bitrix → Kaspi',
    what: 'the checkout failed and no request reached Kaspi',
    fix: "read the checkout's answer and the PHP log in the report's logs/",
  }),
  failureNotLogged: (landedInBxLog: boolean): Cause => ({
    key: landedInBxLog ? 'logged-to-label-file' : 'failure-not-logged',
    hop: 'Bitrix → log file',
    what: landedInBxLog
      ? 'the failed lookup was logged to __bx_log.log, not to bitrix/log/kaspi_payment_service.log where the guide tells operators to look'
      : 'the failed lookup left no line naming the shop in bitrix/log/kaspi_payment_service.log, where the guide tells operators to look',
    fix: landedInBxLog
      ? "Debug::writeToFile's second argument is a label: pass the file as the third, 'bitrix/log/kaspi_payment_service.log'"
      : 'log the error and the shop_id to bitrix/log/kaspi_payment_service.log under the document root',
  }),
  slowFallback: (ms: number): Cause => ({
    key: 'slow-fallback',
    hop: 'Bitrix → payment-service',
    what: `a failure the payment-service answers at once still kept the customer waiting (${Math.round(ms / 100) / 10} s)`,
    fix: 'fall back on the first failed answer: no retries or sleeps on the payment path',
  }),
  paymentlogRow: (operation: string, payment: string): Cause => ({
    key: `paymentlog:${operation}`,
    hop: 'Bitrix → paymentlog',
    what: `a ${payment} is not in the paymentlog as one row on the seller's shop and BIN, operation_type ${operation}, amount in kopecks`,
    fix: `log every payment with createPaymentLog: shop_id, organization_bin, operation_type ${operation}, external_id (Kaspi's id), amount × 100 (payment-service.md)`,
  }),
  lookupsNotCached: (): Cause => ({
    key: 'cache-not-used',
    hop: 'Bitrix → payment-service',
    what: 'the class asked the payment-service again for a config it had fetched within the hour',
    fix: "cache a good config across requests in the Bitrix cache for the guide's hour, and read it before calling the service",
  }),
  cacheEntry: (): Cause => ({
    key: 'cache-entry',
    hop: 'Bitrix → payment-service',
    what: "no entry in Bitrix's cache (bitrix/cache or bitrix/managed_cache) holds the seller's config for the guide's hour",
    fix: 'cache the config through Bitrix\'s cache (Data\\Cache or the managed cache) with a 3600 s TTL: "Clear cache" and expiry then work as operators expect',
  }),
  cacheOutlivesExpiry: (): Cause => ({
    key: 'cache-outlives-expiry',
    hop: 'Bitrix → payment-service',
    what: "a changed BIN was not used after the cached config expired or Bitrix's cache was cleared",
    fix: "keep the config only in Bitrix's cache, with the guide's one-hour TTL, and look it up again once it is gone",
  }),
  retriedElsewhere: (): Cause => ({
    key: 'retried-on-another-bin',
    hop: 'Bitrix → Kaspi',
    what: "Kaspi refused the seller's payment, and the class made it again on another organization's BIN",
    fix: "show the customer Kaspi's error; never move a refused payment to the marketplace or another seller",
  }),
  expectedRefusal: (what: string): Cause => ({
    key: `not-refused:${what}`,
    hop: 'Bitrix → Kaspi',
    what: `Kaspi refused the payment (${what}), yet the site reported it as paid`,
    fix: 'treat any StatusCode other than 0 as a failed payment and show the customer an error',
  }),
} satisfies Record<string, (...args: never[]) => Cause>;

function outageFix(outage: string): string {
  if (/inactive/i.test(outage)) return 'refuse a config whose is_active is not true';
  if (/device token/i.test(outage)) return 'refuse a config without a device_token (Kaspi needs it)';
  if (/TLS|certificate/i.test(outage))
    return 'keep TLS peer verification on (CURLOPT_SSL_VERIFYPEER): the lookup accepted a certificate from an unknown CA';
  if (/another shop|wrong shop/i.test(outage)) return "compare the answer's shop_id with the shop asked for";
  if (/missing/i.test(outage)) return 'require shop_id, organization_bin and is_active in the answer';
  if (/unknown shop|deleted/i.test(outage)) return 'treat a 404 as "no config" and fall back';
  return 'treat any answer that is not a valid, active config of the shop asked for as a failed lookup';
}

/** What the checkout returned, as the reason quotes it. */
function checkoutSaid(evidence: PaymentEvidence): string {
  const { checkout } = evidence;
  if (checkout.ok) return `HTTP ${checkout.httpStatus}`;
  return `HTTP ${checkout.httpStatus} ${checkout.errorCode ?? ''}: ${(checkout.errorMessage ?? '').slice(0, 300)}`.trim();
}

/**
 * The first hop of a failed payment check that went wrong. Only called for a check that failed: the
 * money landed elsewhere than expected, or nowhere.
 */
export function diagnosePayment(evidence: PaymentEvidence): Diagnosis {
  const { seller, expectation, context, landed } = evidence;
  if (evidence.deaths.length)
    return {
      cause: causes.serviceDied(evidence.deaths),
      reason: `STACK FAILURE, not a routing result: ${evidence.deaths.join(', ')} died during the run (checkout: ${checkoutSaid(evidence)})`,
    };
  if (evidence.refusedEgress.length)
    return {
      cause: causes.egressRefused(evidence.refusedEgress[0]!),
      reason: `unexpected egress refused: ${evidence.refusedEgress.join(', ')}`,
    };
  const drift = evidence.drift[0];
  const lookups = evidence.service.filter(isLookup);
  const lastOwn = lookups.filter((hop) => shopIdIn(hop.path) === seller.shopId).at(-1);
  const refusedForSeller = evidence.kaspi.find(
    (hop) => hop.organizationBin === seller.bin && hop.statusCode !== null && hop.statusCode !== 0,
  );
  /** Kaspi refused the seller's own config as the service answered it (its token, or none at all). */
  const refusedSellerConfig =
    refusedForSeller && (!refusedForSeller.deviceToken || refusedForSeller.deviceToken === seller.deviceToken)
      ? refusedForSeller
      : undefined;

  if (landed) {
    // Kaspi made the purchase, but the site did not learn of it: the answer was not read.
    if (!evidence.checkout.ok) return unreadAnswer(evidence, landed);
    const expectedBin = expectation === 'seller' ? seller.bin : fallbackOrganization.bin;
    const landedOn = nameOf(landed.organizationBin);
    if (landed.organizationBin === expectedBin) {
      return {
        cause: causes.tokenMismatch(),
        reason: `right BIN ${landedOn}, but device token ${maskToken(landed.deviceToken)} is not the one of its config`,
      };
    }
    const expectedName =
      expectation === 'seller'
        ? `${seller.name}'s ${seller.bin}`
        : `the fallback ${fallbackOrganization.bin}`;
    const base = `money landed on ${landedOn}, expected ${expectedName}`;
    if (refusedForSeller && landed.organizationBin !== seller.bin)
      return {
        cause: causes.retriedElsewhere(),
        reason: `${base}: Kaspi refused ${refusedForSeller.path} on the seller's BIN with StatusCode ${refusedForSeller.statusCode}, and the class made the payment again on ${landedOn}`,
      };
    if (landed.organizationBin === fallbackOrganization.bin) {
      if (drift)
        return {
          cause: causes.drift(drift),
          reason: `${base}: ${drift.method} ${drift.path} is not served by the "${drift.profile}" contract (HTTP 404)`,
        };
      // Payments made at the same time share the window: only this shop's lookups are its own.
      const answered = lastOwn && (lastOwn.status === 0 ? 'no answer' : `HTTP ${lastOwn.status}`);
      if (lastOwn?.status === 200 && !lastOwn.fault)
        return {
          cause: causes.configRejected(),
          reason: `${base}: ${lastOwn.method} ${lastOwn.path} answered HTTP 200 with the seller's config`,
        };
      if (context.cache === 'warm' && context.outage)
        return {
          cause: causes.cacheNotUsed(context.outage),
          reason: lastOwn
            ? `${base}: the config was cached, yet the class called ${lastOwn.method} ${lastOwn.path} (${answered})`
            : `${base}: the config was cached, yet the class fell back (${context.outage}: a refused connection or failed handshake leaves no trace in the service's journal)`,
        };
      if (!lastOwn && context.afterOutage)
        return {
          cause: causes.cachedFallback(),
          reason: `${base}: no lookup was made; the fallback came from the class's cache`,
        };
      if (!lastOwn && !context.outage && lookups.length > 0)
        return {
          cause: causes.lookupOfOtherShop(),
          reason: `${base}: no lookup of shop ${seller.shopId}; the class asked ${lookups.map((hop) => hop.path).join(', ')}`,
        };
      if (!lastOwn && !context.outage)
        return {
          cause: causes.noLookup(),
          reason: `${base}: no request reached the payment-service for shop ${seller.shopId}`,
        };
      return {
        cause: causes.lookupFailed(answered ?? 'no answer'),
        reason: `${base}: ${lastOwn ? `${lastOwn.method} ${lastOwn.path} answered ${answered}` : `the lookup of shop ${seller.shopId} got no answer`}`,
      };
    }
    if (landed.organizationBin === seller.bin) {
      // Paid the seller where the fallback was expected.
      if (!lastOwn && context.cache === 'cold')
        return {
          cause: causes.staleCache(),
          reason: `${base}: no lookup was made although the cache had been cleared`,
        };
      return {
        cause: causes.outageNotDetected(context.outage ?? 'a broken answer'),
        reason: `${base}: ${lastOwn ? `${lastOwn.method} ${lastOwn.path} answered ${lastOwn.status === 0 ? 'nothing' : `HTTP ${lastOwn.status}`}${lastOwn.fault ? ` (${lastOwn.fault})` : ''}` : 'the config came from a cache'}, and the class still paid the seller`,
      };
    }
    // Another organization's BIN.
    const owner = organizationByBin(landed.organizationBin);
    if (context.outage && lastOwn?.fault)
      return {
        cause: causes.outageNotDetected(context.outage),
        reason: `${base}: ${lastOwn.method} ${lastOwn.path} answered HTTP ${lastOwn.status} (${lastOwn.fault}), and the class paid what it said`,
      };
    if (context.cache === 'warm' && lastOwn)
      return {
        cause: causes.cacheNotUsed(context.outage ?? 'the config changed'),
        reason: `${base}: the config was cached, yet the class called ${lastOwn.method} ${lastOwn.path} and paid what it answers now`,
      };
    const asked = lookups.map((hop) => shopIdIn(hop.path)).filter((id): id is number => id !== undefined);
    if (context.tampering && owner && asked.some((id) => sellerByShopId(id)?.bin === owner.bin))
      return {
        cause: causes.sellerFromRequest(context.tampering),
        reason: `${base}: the class looked up shop ${asked.join(', ')} after the browser sent ${context.tampering}`,
      };
    if (owner && sellerByShopId(defaultShopId)?.bin === owner.bin && seller.shopId !== defaultShopId)
      return {
        cause: causes.paidDefaultShop(),
        reason: `${base}: the class ${asked.includes(defaultShopId) ? `looked up the default shop ${defaultShopId}` : `used shop ${defaultShopId}'s config`} for shop ${seller.shopId}'s order`,
      };
    if (asked.length && !asked.includes(seller.shopId))
      return {
        cause: causes.lookupOfOtherShop(),
        reason: `${base}: the class looked up shop ${asked.join(', ')} for shop ${seller.shopId}'s order`,
      };
    if (!asked.length)
      return {
        cause: causes.otherShopCached(),
        reason: `${base}: no lookup was made; the config came from the class's cache`,
      };
    return { cause: causes.paidOtherSeller(), reason: base };
  }

  // Nothing landed.
  if (evidence.checkout.errorCode === 'not_implemented') {
    const method = /([\w\\]+::\w+)/.exec(evidence.checkout.errorMessage ?? '')?.[1] ?? 'a method';
    return {
      cause: causes.notImplemented(method),
      reason: `not implemented: ${evidence.checkout.errorMessage}`,
    };
  }
  if (evidence.checkout.ok)
    return {
      cause: causes.nothingCalled(),
      reason: `the checkout reported a Kaspi payment that Kaspi does not have (${checkoutSaid(evidence)})`,
    };
  const unknownEndpoint = evidence.kaspi.find((hop) => hop.httpStatus === 404 && hop.statusCode !== 0);
  if (context.cache === 'warm' && context.outage && lastOwn && refusedSellerConfig?.statusCode != null)
    return {
      cause: causes.cacheNotUsed(context.outage),
      reason: `the config was cached, yet the class called ${lastOwn.method} ${lastOwn.path} (${context.outage}) and sent what it answered; Kaspi refused ${refusedSellerConfig.path} with StatusCode ${refusedSellerConfig.statusCode}`,
    };
  // The service's broken answer should have sent the payment to the fallback; the class used it.
  if (expectation === 'fallback' && context.outage && refusedSellerConfig?.statusCode != null)
    return {
      cause: causes.outageNotDetected(context.outage),
      reason: `the class sent the seller's broken config on (${context.outage}); Kaspi refused ${refusedSellerConfig.path} with StatusCode ${refusedSellerConfig.statusCode}; the checkout said ${checkoutSaid(evidence)}`,
    };
  const refused = evidence.kaspi.find((hop) => hop.statusCode !== null && hop.statusCode !== 0);
  if (
    refused &&
    refused.statusCode !== null &&
    (!unknownEndpoint || unknownEndpoint === refused) &&
    refused.httpStatus !== 404
  )
    return {
      cause: causes.kaspiRefused(refused.path, refused.statusCode),
      reason: `Kaspi answered ${refused.method} ${refused.path}${refused.organizationBin ? ` (BIN ${refused.organizationBin})` : ''} with StatusCode ${refused.statusCode}; the checkout said ${checkoutSaid(evidence)}`,
    };
  if (unknownEndpoint)
    return {
      cause: causes.kaspiUnknownEndpoint(
        unknownEndpoint.method,
        unknownEndpoint.path,
        unknownEndpoint.nearMiss ?? [],
      ),
      reason: `Kaspi has no ${unknownEndpoint.method} ${unknownEndpoint.path} (HTTP 404)${unknownEndpoint.nearMiss?.length ? `; nearest: ${unknownEndpoint.nearMiss.join(', ')}` : ''}`,
    };
  const missing = missingFileIn(evidence.checkout.errorMessage);
  if (missing)
    return {
      cause: causes.missingFile(missing),
      reason: `no request reached Kaspi: curl could not open ${missing} (${checkoutSaid(evidence)})`,
    };
  const curlError =
    /curl[^:]*: ?(\d+: [^)]+)|(\d+: (?:Could not|Failed|Operation|SSL|Recv|Send|Connection|Received)[^)]+)/i.exec(
      evidence.checkout.errorMessage ?? '',
    );
  if (curlError && evidence.kaspi.length === 0)
    return {
      cause: causes.kaspiUnreachable((curlError[1] ?? curlError[2])!.trim()),
      reason: `no request reached Kaspi: ${checkoutSaid(evidence)}`,
    };
  if (
    evidence.kaspi.length === 0 &&
    evidence.checkout.errorCode &&
    evidence.checkout.errorCode !== 'kaspi_error'
  )
    return {
      cause: causes.siteError(evidence.checkout.errorCode, evidence.checkout.errorMessage ?? ''),
      reason: `no request reached Kaspi: ${checkoutSaid(evidence)}`,
    };
  if (evidence.kaspi.length === 0 && /threw|Exception|Error:/.test(evidence.checkout.errorMessage ?? ''))
    return {
      cause: causes.siteError(evidence.checkout.errorCode ?? 'error', evidence.checkout.errorMessage ?? ''),
      reason: `no request reached Kaspi: ${checkoutSaid(evidence)}`,
    };
  if (evidence.kaspi.length)
    return {
      cause: causes.stepFailed('payment', evidence.checkout.errorMessage ?? ''),
      reason: `Kaspi answered ${evidence.kaspi.map((hop) => `${hop.method} ${hop.path} with ${hop.statusCode === null ? `HTTP ${hop.httpStatus}` : `StatusCode ${hop.statusCode}`}`).join(', ')}, yet the checkout failed: ${checkoutSaid(evidence)}`,
    };
  return { cause: causes.nothingCalled(), reason: `no request reached Kaspi: ${checkoutSaid(evidence)}` };
}

/**
 * A later step of a payment (a refund, a status check) that the site reports as failed: what Kaspi's
 * journal shows for it, else what the site said.
 */
export function diagnoseKaspiStep(
  step: string,
  kaspi: readonly KaspiHop[],
  site: { code?: string; message: string },
): Cause {
  if (site.code === 'not_implemented') {
    const method = /([\w\\]+::\w+)/.exec(site.message)?.[1] ?? step;
    return causes.notImplemented(method);
  }
  const unknown = kaspi.find((hop) => hop.httpStatus === 404 && hop.statusCode !== 0);
  if (unknown) return causes.kaspiUnknownEndpoint(unknown.method, unknown.path, unknown.nearMiss ?? []);
  const refused = kaspi.find((hop) => hop.statusCode !== null && hop.statusCode !== 0);
  if (refused?.statusCode != null) return causes.kaspiRefused(refused.path, refused.statusCode);
  if (kaspi.length === 0)
    return {
      key: `no-kaspi-call:${step}`,
      hop: 'Bitrix → Kaspi',
      what: `the ${step} never reached Kaspi: ${site.message.split('\n')[0]!.slice(0, 200)}`,
      fix: "read the site's answer and the PHP log in the report's logs/",
    };
  return causes.stepFailed(step, site.message);
}

function unreadAnswer(evidence: PaymentEvidence, landed: NonNullable<PaymentEvidence['landed']>): Diagnosis {
  return {
    cause: causes.kaspiAnswerUnread(),
    reason: `Kaspi created purchase ${landed.qrPaymentId} on BIN ${nameOf(landed.organizationBin)} (StatusCode 0), but ApiClient returned no decoded answer to the checkout; the checkout said ${checkoutSaid(evidence)}`,
  };
}
