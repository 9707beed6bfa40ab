/**
 * Compares two Kaspi answers by shape: fields present on each side and their JSON types. Values are
 * compared only where they carry meaning the client branches on (`StatusCode`, `Status`); ids,
 * tokens, dates and messages naturally differ between a bank and a simulator.
 */
export interface Difference {
  step: string;
  /**
   * Dotted path in the answer, e.g. `Data.Status`; `(http)` for the HTTP status; `(header) Name` for
   * a header one side sent and the other did not.
   */
  path: string;
  kind: 'http-status' | 'value' | 'type' | 'missing' | 'extra';
  reference: string;
  simulator: string;
}

export const valueCompared: ReadonlySet<string> = new Set(['StatusCode', 'Status']);

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean' | 'undefined';

function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'object' || type === 'string' || type === 'number' || type === 'boolean'
    ? type
    : 'undefined';
}

export function compareAnswers(
  step: string,
  reference: unknown,
  simulator: unknown,
  path = '',
): Difference[] {
  const here = path === '' ? '(body)' : path;
  const refType = typeOf(reference);
  const simType = typeOf(simulator);
  if (refType !== simType)
    return [{ step, path: here, kind: 'type', reference: refType, simulator: simType }];

  if (refType === 'object') {
    const ref = reference as Record<string, unknown>;
    const sim = simulator as Record<string, unknown>;
    const differences: Difference[] = [];
    for (const key of Object.keys(ref)) {
      const child = path === '' ? key : `${path}.${key}`;
      if (!(key in sim))
        differences.push({ step, path: child, kind: 'missing', reference: typeOf(ref[key]), simulator: '-' });
      else differences.push(...compareAnswers(step, ref[key], sim[key], child));
    }
    for (const key of Object.keys(sim)) {
      if (!(key in ref)) {
        const child = path === '' ? key : `${path}.${key}`;
        differences.push({ step, path: child, kind: 'extra', reference: '-', simulator: typeOf(sim[key]) });
      }
    }
    return differences;
  }
  if (refType === 'array') {
    // Lists differ in length between accounts; their elements must share a shape.
    const [refFirst] = reference as unknown[];
    const [simFirst] = simulator as unknown[];
    if (refFirst === undefined || simFirst === undefined) return [];
    return compareAnswers(step, refFirst, simFirst, `${path}[0]`);
  }
  const key = path.split('.').at(-1) ?? '';
  if (valueCompared.has(key) && reference !== simulator) {
    return [
      {
        step,
        path: here,
        kind: 'value',
        reference: JSON.stringify(reference),
        simulator: JSON.stringify(simulator),
      },
    ];
  }
  return [];
}

/**
 * Header names one side sent and the other did not, compared case-insensitively (HTTP names are);
 * a header sent several times (`Set-Cookie`) counts once. Nothing to compare when either side has no
 * recorded names (a snapshot from before they were kept).
 */
export function compareHeaderNames(
  step: string,
  reference: readonly string[] | undefined,
  simulator: readonly string[] | undefined,
): Difference[] {
  if (!reference || !simulator) return [];
  const byKey = (names: readonly string[]) => new Map(names.map((name) => [name.toLowerCase(), name]));
  const ref = byKey(reference);
  const sim = byKey(simulator);
  const differences: Difference[] = [];
  for (const [key, name] of ref) {
    if (!sim.has(key))
      differences.push({
        step,
        path: `(header) ${name}`,
        kind: 'missing',
        reference: 'sent',
        simulator: '-',
      });
  }
  for (const [key, name] of sim) {
    if (!ref.has(key))
      differences.push({ step, path: `(header) ${name}`, kind: 'extra', reference: '-', simulator: 'sent' });
  }
  return differences;
}
