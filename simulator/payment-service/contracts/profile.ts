/**
 * Which contract the service serves: the guide's (/api/...), the deployed service's, both, or the
 * routes an OpenAPI document lists, so a team can point the simulator at exactly what their
 * deployment exposes. Everything else is answered 404 and recorded as contract drift.
 */
import { readAllowedFile } from '../allowed-files.ts';
import { openApiStyle, routeKey, type Route } from '../http.ts';

/**
 * An OpenAPI document: a file path (read only from the allowed directories, see allowed-files.ts),
 * its JSON text, or the parsed object.
 */
export type OpenApiSource = string | Record<string, unknown>;

export type Profile = 'guide' | 'deployed' | 'both' | { openapi: OpenApiSource };

export interface Catalogue {
  guide: readonly Route[];
  deployed: readonly Route[];
}

export interface ServedContract {
  /** `guide`, `deployed`, `both` or `openapi`. */
  name: string;
  routes: Route[];
  /** OpenAPI operations the simulator has no behaviour for: served as 501. */
  unsimulated: string[];
}

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** `GET /admin/configs/{}`: a route's shape, whatever its parameters are called. */
const shapeOf = (key: string): string => key.replace(/\{[^}]*\}/g, '{}');

/** `allowedDirs`: where a file path may point (allowed-files.ts `allowedDirectories`). */
export function loadOpenApi(source: OpenApiSource, allowedDirs: readonly string[]): Record<string, unknown> {
  if (typeof source !== 'string') return source;
  const inline = source.trimStart().startsWith('{');
  const text = inline ? source : readAllowedFile(source, allowedDirs);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse quotes the text around the error: never echo a file's content.
    throw new Error(
      `${inline ? 'the OpenAPI document' : JSON.stringify(source.slice(0, 200))} is not valid JSON`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('the OpenAPI document must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** `METHOD /path/{param}` of every operation in the document. */
export function openApiOperations(document: Record<string, unknown>): string[] {
  const paths = document.paths;
  if (typeof paths !== 'object' || paths === null)
    throw new Error('the OpenAPI document has no "paths" object');
  const keys: string[] = [];
  for (const [path, item] of Object.entries(paths as Record<string, unknown>)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const method of Object.keys(item)) {
      if (httpMethods.includes(method)) keys.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return keys;
}

const notSimulated = (key: string, path: string): Route => {
  const [method = 'GET'] = key.split(' ');
  return {
    method,
    path: path.replace(/\{([^}]+)\}/g, ':$1'),
    handle: () => ({
      status: 501,
      body: { detail: `Not simulated: ${key} (listed in the OpenAPI document)` },
    }),
  };
};

export function resolveProfile(
  profile: Profile,
  catalogue: Catalogue,
  allowedDirs: readonly string[],
): ServedContract {
  if (profile === 'guide') return { name: 'guide', routes: [...catalogue.guide], unsimulated: [] };
  if (profile === 'deployed') return { name: 'deployed', routes: [...catalogue.deployed], unsimulated: [] };
  if (profile === 'both')
    return { name: 'both', routes: [...catalogue.guide, ...catalogue.deployed], unsimulated: [] };
  const known = new Map(
    [...catalogue.guide, ...catalogue.deployed].map((route) => [shapeOf(routeKey(route)), route]),
  );
  const document = loadOpenApi(profile.openapi, allowedDirs);
  // FastAPI always publishes the document it was built from; so does a service simulated from one.
  const routes: Route[] = [
    { method: 'GET', path: '/openapi.json', handle: () => ({ status: 200, body: document }) },
  ];
  const unsimulated: string[] = [];
  for (const key of openApiOperations(document)) {
    if (key === 'GET /openapi.json') continue;
    const route = known.get(shapeOf(key));
    if (route) routes.push(route);
    else {
      unsimulated.push(key);
      routes.push(notSimulated(key, key.slice(key.indexOf(' ') + 1)));
    }
  }
  return { name: 'openapi', routes, unsimulated };
}

export { openApiStyle };
