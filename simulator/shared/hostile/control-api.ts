/**
 * A simulator's control API as a hostile target: forged writes a web page could make a browser
 * send (403), JSON writes each route must refuse, writes with bodies no parser should swallow, and
 * reads with hostile parameters. Every control API answers an error as `{error: {code, message}}`.
 */
import {
  forgedWrite,
  httpLevelCases,
  jsonWrite,
  pick,
  plain,
  type HostileCase,
  type Rng,
} from './generate.ts';
import type { Target } from './run.ts';

export interface ControlRoutes {
  /** Writes the guard must refuse when forged: [method, target]. */
  writes: readonly [string, string][];
  /** JSON writes the route must refuse: [method, target, body]. */
  refused: readonly [string, string, string][];
  /** A write whose body is deep, huge or broken JSON. */
  malformed(random: Rng): { method: string; target: string; body: string };
  /** Reads, each with its hostile parameters drawn when called. */
  reads: readonly (() => string)[];
}

export function controlCases(random: Rng, count: number, port: number, routes: ControlRoutes): HostileCase[] {
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i += 1) {
    switch (Math.floor(random() * 4)) {
      case 0: {
        const [method, target] = pick(random, routes.writes);
        cases.push(forgedWrite(random, method, target, port));
        break;
      }
      case 1: {
        const [method, target, body] = pick(random, routes.refused);
        cases.push(jsonWrite(method, target, body, port));
        break;
      }
      case 2: {
        const { method, target, body } = routes.malformed(random);
        cases.push(jsonWrite(method, target, body, port));
        break;
      }
      default:
        cases.push(plain('GET', pick(random, routes.reads)(), port));
    }
  }
  return cases;
}

export function controlShape(status: number, body: unknown): string | undefined {
  if (status < 400) return undefined;
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    return `not {error: {code, message}}: ${JSON.stringify(body).slice(0, 120)}`;
  return error.message.includes('\n') ? 'a reason over more than one line' : undefined;
}

/** The control API at `controlUrl`: HTTP-level cases, then `count` generated from its routes. */
export function controlTarget(random: Rng, controlUrl: unknown, routes: ControlRoutes, count = 300): Target {
  const port = portOf(controlUrl);
  return {
    name: 'control API',
    endpoint: { port },
    shape: controlShape,
    cases: [...httpLevelCases(`127.0.0.1:${port}`), ...controlCases(random, count, port, routes)],
  };
}

/** The port of a URL from a simulator's `--json` ready line. */
export const portOf = (url: unknown): number => Number(new URL(String(url)).port);
