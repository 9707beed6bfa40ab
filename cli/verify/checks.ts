/**
 * The deployment guide's pre-deployment checks and post-deployment "test each seller" step, as
 * code: health, the contract the service really serves (both probed), each seller's config (BIN,
 * active, device token present), no unexpected or duplicate shops, and optionally the database.
 * Read-only by construction: GETs through ReadOnlyHttp, SELECTs through readDatabase.
 */
import type { Seller } from '../../fixtures/organizations.ts';
import { nearestRoutes } from '../../simulator/payment-service/contracts/nearest.ts';
import { readDatabase, type ConfigRecord } from './read-only-db.ts';
import { readOnlyHttp, type Probe, type ReadOnlyHttp } from './read-only-http.ts';
import { connectionProblem, unreachableMessage } from '../unreachable.ts';

export type CheckGroup = 'service' | 'contract' | 'sellers' | 'shops' | 'database';

export interface Check {
  group: CheckGroup;
  name: string;
  passed: boolean;
  /** Skipped checks count as passed but say why they did not run. */
  skipped?: boolean;
  detail: string;
}

export interface ContractFinding {
  guide: boolean;
  deployed: boolean;
  /** What the PHP client calls that the service does not serve, with the nearest served routes. */
  drift: { route: string; nearest: string[] }[];
  /** The service's own OpenAPI document (FastAPI's GET /openapi.json), when it publishes one. */
  openapi?: Record<string, unknown>;
}

/**
 * What to tell the harness about this deployment: `--payment-service-contract guide|deployed`, or
 * `openapi` when it serves neither as we know them but describes itself (its document is saved beside
 * the report), or nothing usable.
 */
export function contractToDeclare(contract: ContractFinding): 'guide' | 'deployed' | 'openapi' | undefined {
  if (contract.guide) return 'guide';
  if (contract.deployed) return 'deployed';
  return contract.openapi ? 'openapi' : undefined;
}

export interface VerifyReport {
  startedAt: string;
  serviceUrl: string;
  databaseChecked: boolean;
  contract: ContractFinding;
  checks: Check[];
  passed: boolean;
}

export interface VerifyOptions {
  serviceUrl: string;
  databaseUrl?: string;
  sellers: readonly Seller[];
  /** The contract the clients need; `guide` (what the PHP client calls) by default. */
  expect?: 'guide' | 'deployed' | 'both';
  timeoutMs?: number;
}

interface ServedConfig {
  shop_id?: unknown;
  organization_bin?: unknown;
  device_token?: unknown;
  is_active?: unknown;
}

const guideRoutes = ['GET /api/health', 'GET /api/payment/config', 'POST /api/payment/log'];
const deployedRoutes = [
  'GET /health',
  'GET /admin/configs',
  'GET /admin/configs/{shop_id}',
  'GET /admin/configs/by-bin/{organization_bin}',
  'GET /admin/logs',
  'POST /payments/kaspi/create-link',
];

/** FastAPI's unknown-route answer: a 404 that is not about a missing config. */
const isUnknownRoute = (probe: Probe): boolean =>
  probe.status === 404 && (probe.json as { detail?: unknown } | undefined)?.detail === 'Not Found';

const describe = (probe: Probe): string =>
  probe.status === 0 ? `no answer (${probe.error})` : `HTTP ${probe.status}`;

function configProblems(seller: Seller, config: ServedConfig | ConfigRecord | undefined): string[] {
  if (!config) return ['no config'];
  const problems: string[] = [];
  if (config.organization_bin !== seller.bin) {
    problems.push(`organization_bin is ${String(config.organization_bin)}, expected ${seller.bin}`);
  }
  if (config.is_active !== true) problems.push(`is_active is ${String(config.is_active)}`);
  if (typeof config.device_token !== 'string' || config.device_token.trim() === '')
    problems.push('no device_token');
  return problems;
}

async function probeContract(http: ReadOnlyHttp, probeShop: number): Promise<ContractFinding> {
  const [apiHealth, guideConfig, health, adminConfigs, openapi] = await Promise.all([
    http.get('/api/health'),
    http.get(`/api/payment/config?shop_id=${probeShop}`),
    http.get('/health'),
    http.get('/admin/configs'),
    http.get('/openapi.json'),
  ]);
  const document = openapi.json as { paths?: unknown } | undefined;
  const described =
    openapi.status === 200 && typeof document?.paths === 'object' && document.paths !== null
      ? { openapi: document as Record<string, unknown> }
      : {};
  const guide = apiHealth.status === 200 && guideConfig.status !== 0 && !isUnknownRoute(guideConfig);
  const deployed = health.status === 200 && adminConfigs.status === 200 && Array.isArray(adminConfigs.json);
  const served = [...(guide ? guideRoutes : []), ...(deployed ? deployedRoutes : [])];
  const drift = guide
    ? []
    : [
        ['GET /api/health', '/api/health'],
        // With its query: shop_id is what ties it to /admin/configs/{shop_id}.
        ['GET /api/payment/config', '/api/payment/config?shop_id=1'],
      ].map(([route = '', asked = '']) => ({ route, nearest: nearestRoutes('GET', asked, served) }));
  return { guide, deployed, drift, ...described };
}

export async function verifyDeployment(options: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date().toISOString();
  // The Bitrix option holds the base with /api; the service's root is what we probe.
  const serviceUrl = options.serviceUrl.replace(/\/+$/, '').replace(/\/api$/, '');
  const http = readOnlyHttp(serviceUrl, options.timeoutMs);
  const checks: Check[] = [];
  const add = (check: Check): void => void checks.push(check);
  const expected = options.expect ?? 'guide';

  const contract = await probeContract(http, options.sellers[0]?.shopId ?? 0);
  const healthProbe = contract.guide ? await http.get('/api/health') : await http.get('/health');
  add({
    group: 'service',
    name: 'health',
    passed: healthProbe.status === 200,
    detail: `${healthProbe.url}: ${describe(healthProbe)}`,
  });

  const servedText =
    contract.guide && contract.deployed
      ? 'both'
      : contract.guide
        ? 'guide'
        : contract.deployed
          ? 'deployed'
          : 'none';
  const needsGuide = expected !== 'deployed';
  const needsDeployed = expected !== 'guide';
  const contractOk = (!needsGuide || contract.guide) && (!needsDeployed || contract.deployed);
  const driftText = contract.drift
    .map((d) => `the client calls ${d.route}; this service has ${d.nearest.join(', ') || 'nothing close'}`)
    .join('; ');
  add({
    group: 'contract',
    name: `serves the ${expected} contract`,
    passed: contractOk,
    detail: `serves: ${servedText}${driftText ? ` — drift: ${driftText}` : ''}`,
  });

  // Each seller, through whichever contract is served (both, when both are: they must agree).
  for (const seller of options.sellers) {
    const problems: string[] = [];
    const sources: string[] = [];
    if (contract.guide) {
      const probe = await http.get(`/api/payment/config?shop_id=${seller.shopId}`);
      sources.push('guide');
      if (probe.status !== 200) problems.push(`guide config: ${describe(probe)}`);
      else problems.push(...configProblems(seller, probe.json as ServedConfig).map((p) => `guide: ${p}`));
    }
    if (contract.deployed) {
      const probe = await http.get(`/admin/configs/${seller.shopId}`);
      sources.push('deployed');
      if (probe.status !== 200) problems.push(`deployed config: ${describe(probe)}`);
      else problems.push(...configProblems(seller, probe.json as ServedConfig).map((p) => `deployed: ${p}`));
    }
    add({
      group: 'sellers',
      name: `${seller.name} (shop ${seller.shopId}) → ${seller.bin}`,
      passed: sources.length > 0 && problems.length === 0,
      detail:
        sources.length === 0
          ? 'no contract served to ask'
          : problems.join('; ') || `ok via ${sources.join(' and ')}`,
    });
  }

  const expectedShops = new Set(options.sellers.map((s) => s.shopId));
  const shopCheck = (name: string, shopIds: number[], group: CheckGroup): void => {
    const counts = new Map<number, number>();
    for (const id of shopIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    const unexpected = [...counts.keys()].filter((id) => !expectedShops.has(id));
    const problems = [
      ...(duplicates.length ? [`duplicate shops: ${duplicates.join(', ')}`] : []),
      ...(unexpected.length ? [`unexpected shops: ${unexpected.join(', ')}`] : []),
    ];
    add({
      group,
      name,
      passed: problems.length === 0,
      detail: problems.join('; ') || `${shopIds.length} configs, all expected`,
    });
  };
  if (contract.deployed) {
    const list = await http.get('/admin/configs');
    const ids = Array.isArray(list.json) ? (list.json as ServedConfig[]).map((c) => Number(c.shop_id)) : [];
    shopCheck('no unexpected or duplicate shops (GET /admin/configs)', ids, 'shops');
  } else {
    add({
      group: 'shops',
      name: 'no unexpected or duplicate shops (GET /admin/configs)',
      passed: true,
      skipped: true,
      detail: 'the service lists no configs over HTTP; give --database-url to check',
    });
  }

  if (options.databaseUrl) {
    try {
      const db = await readDatabase(options.databaseUrl);
      add({
        group: 'database',
        name: 'paymentconfig has one row per seller',
        passed: db.configs.length === options.sellers.length,
        detail: `${db.configs.length} rows, ${options.sellers.length} sellers`,
      });
      shopCheck(
        'no unexpected or duplicate shops (paymentconfig)',
        db.configs.map((c) => c.shop_id),
        'database',
      );
      for (const seller of options.sellers) {
        const problems = configProblems(
          seller,
          db.configs.find((c) => c.shop_id === seller.shopId),
        );
        add({
          group: 'database',
          name: `${seller.name} (shop ${seller.shopId}) row`,
          passed: problems.length === 0,
          detail: problems.join('; ') || 'ok',
        });
      }
    } catch (error) {
      const problem = connectionProblem(error);
      const detail = problem
        ? unreachableMessage(
            {
              what: "the payment-service's PostgreSQL",
              url: options.databaseUrl,
              hint: 'check --database-url and that the database accepts connections from here',
            },
            problem,
          )
        : (error as Error).message;
      add({ group: 'database', name: 'database readable', passed: false, detail });
    }
  }

  return {
    startedAt,
    serviceUrl,
    databaseChecked: options.databaseUrl !== undefined,
    contract,
    checks,
    passed: checks.every((check) => check.passed),
  };
}
