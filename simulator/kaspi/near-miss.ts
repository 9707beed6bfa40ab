/**
 * Near-miss hints: when a request misses every Kaspi endpoint, or spells a body field differently
 * from the bank, the journal says what the client probably meant. Integrators lose hours to
 * `/r1/v1/`, a trailing slash or `deviceToken`; the hint turns that into one journal line.
 *
 * The route catalogue is read from the msw handlers themselves and the field names from the zod
 * schemas, so new endpoints and fields are covered without touching this file.
 */
import type { RequestHandler } from 'msw';
import * as schemas from './schemas.ts';

export interface RouteInfo {
  method: string;
  /** Template as served, e.g. `/r1/v01/payment/status/:id`. */
  template: string;
  regex: RegExp;
}

interface Variant {
  path: string;
  fixes: string[];
}

const schemePrefixes = ['/r1/v01', '/r2/v01', '/r3/v01'];

function templateRegex(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** Method and path template of every msw `http.*` handler; others (GraphQL, custom) are skipped. */
export function routeCatalogue(handlers: readonly RequestHandler[]): RouteInfo[] {
  const routes: RouteInfo[] = [];
  for (const handler of handlers) {
    const info = handler.info as { method?: unknown; path?: unknown };
    if (typeof info.method !== 'string' || typeof info.path !== 'string') continue;
    // msw paths are absolute-URL patterns such as `*/r1/v01/qr/create`; keep the path part.
    const template = info.path.replace(/^\*|^https?:\/\/[^/]+/, '');
    routes.push({ method: info.method.toUpperCase(), template, regex: templateRegex(template) });
  }
  return routes;
}

/** Every field name any Kaspi schema declares, with its exact casing. */
export const knownFields: ReadonlySet<string> = (() => {
  const names = new Set<string>();
  for (const value of Object.values(schemas)) {
    const shape = (value as { shape?: unknown } | null)?.shape;
    if (typeof shape === 'object' && shape !== null) for (const key of Object.keys(shape)) names.add(key);
  }
  return names;
})();

/** Rewrites of the request path that correct one common mistake each, combined. */
function variants(path: string): Variant[] {
  let result: Variant[] = [{ path, fixes: [] }];
  const add = (fix: string, rewrite: (p: string) => string | undefined) => {
    const extra: Variant[] = [];
    for (const v of result) {
      const rewritten = rewrite(v.path);
      if (rewritten !== undefined && rewritten !== v.path)
        extra.push({ path: rewritten, fixes: [...v.fixes, fix] });
    }
    result = [...result, ...extra];
  };
  add('trailing slash', (p) => (p.length > 1 && p.endsWith('/') ? p.replace(/\/+$/, '') : undefined));
  add('double slash', (p) => (p.includes('//') ? p.replace(/\/{2,}/g, '/') : undefined));
  add('path casing', (p) => p.toLowerCase());
  const rescheme: Variant[] = [];
  for (const v of result) {
    // `/r4/v01/x`, `/r1/v1/x`, `/v01/x` or a bare `/qr/create`: try every real scheme prefix.
    const tail =
      /^\/(?:[^/]+\/)?v\d+(\/.*)$/i.exec(v.path)?.[1] ?? (/^\/r\d\//i.test(v.path) ? undefined : v.path);
    if (tail === undefined) continue;
    for (const prefix of schemePrefixes) {
      const rewritten = `${prefix}${tail}`;
      if (rewritten !== v.path) rescheme.push({ path: rewritten, fixes: [...v.fixes, 'scheme prefix'] });
    }
  }
  return [...result, ...rescheme];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

const maxHints = 3;

/** Hints for a request no handler matched: the nearest real endpoints and what differs. */
export function endpointHints(routes: readonly RouteInfo[], method: string, path: string): string[] {
  const found = new Map<string, { fixes: number; text: string }>();
  const upper = method.toUpperCase();
  for (const variant of variants(path)) {
    for (const route of routes) {
      if (!route.regex.test(variant.path)) continue;
      const fixes = route.method === upper ? variant.fixes : [...variant.fixes, `method ${upper}`];
      const key = `${route.method} ${route.template}`;
      if (fixes.length === 0 || (found.get(key)?.fixes ?? Infinity) <= fixes.length) continue;
      found.set(key, {
        fixes: fixes.length,
        text: `did you mean ${route.method} ${variant.path}? (${fixes.join(', ')})`,
      });
    }
  }
  // The simplest explanations only: a trailing slash on /r1 is not also "r2 with a new prefix".
  const fewest = Math.min(...[...found.values()].map((hint) => hint.fixes));
  const hints = new Map(
    [...found].filter(([, hint]) => hint.fixes === fewest).map(([key, hint]) => [key, hint.text]),
  );
  if (hints.size === 0) {
    // Nothing a simple rewrite explains: name the closest templates by edit distance.
    const ranked = routes
      .map((route) => ({ route, distance: editDistance(path.toLowerCase(), route.template.toLowerCase()) }))
      .filter(({ route, distance }) => distance <= Math.max(3, Math.floor(route.template.length / 4)))
      .sort((a, b) => a.distance - b.distance);
    for (const { route } of ranked)
      hints.set(route.template, `nearest endpoint: ${route.method} ${route.template}`);
  }
  return [...hints.values()].slice(0, maxHints);
}

/**
 * Hints for body fields: a field the answer named as invalid or missing that the body carries under
 * another casing (`deviceToken` for `DeviceToken`; some Kaspi endpoints do use camelCase, so casing
 * is judged per answer), and unknown fields one or two typos away from a known one.
 */
export function fieldHints(body: Record<string, unknown>, answerMessage?: unknown): string[] {
  const hints: string[] = [];
  const missing =
    typeof answerMessage === 'string' ? /Invalid or missing field (\w+)/.exec(answerMessage)?.[1] : undefined;
  for (const key of Object.keys(body)) {
    if (missing !== undefined && key !== missing && key.toLowerCase() === missing.toLowerCase()) {
      hints.push(`field ${key} should be spelled ${missing}`);
      continue;
    }
    if (knownFields.has(key) || key.length <= 4) continue;
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const field of knownFields) {
      const distance = editDistance(field.toLowerCase(), key.toLowerCase());
      if (distance < bestDistance) {
        best = field;
        bestDistance = distance;
      }
    }
    if (best !== undefined && bestDistance <= 2) hints.push(`unknown field ${key}: did you mean ${best}?`);
  }
  return hints.slice(0, maxHints);
}

/** True when the path is exactly a served template (case, slashes and all). */
export function isExactRoute(routes: readonly RouteInfo[], method: string, path: string): boolean {
  return routes.some((route) => route.method === method && route.regex.test(path));
}
