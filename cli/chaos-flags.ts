/**
 * `chaos` flags made from a simulator's fault-rule schema (simulator/shared/faults.ts and each
 * simulator's own kinds), so the CLI says and checks exactly what the control API takes: every
 * option of a kind or of `match`, plus `times`/`probability`/`seed`, becomes a kebab-case flag
 * (`jitterMs` → `--jitter-ms`) with the schema's `.describe()` as its help; the rule a command line
 * builds is validated by the same schema, an error naming the flag.
 */
import { z } from 'zod';
import { renamedFaultKinds } from '../simulator/shared/faults.ts';
import { UsageError } from './command.ts';

interface JsonSchema {
  type?: string;
  const?: string;
  enum?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
}

type ValueType = 'integer' | 'number' | 'boolean' | 'string' | 'json';

export interface Flag {
  /** `jitter-ms` */
  name: string;
  /** Where its value goes in the rule: `['fault', 'jitterMs']`, `['match', 'path']`, `['times']`. */
  at: string[];
  type: ValueType;
  /** An enum's values. */
  choices?: string[];
  /** `null` is a value it takes (a stale config without a device token). */
  nullable: boolean;
  required: boolean;
  description: string;
}

export interface FaultKind {
  kind: string;
  description: string;
  flags: Flag[];
}

export interface FaultFlags {
  kinds: FaultKind[];
  /** `match` and `times`/`probability`/`seed`: the same for every kind. */
  rule: Flag[];
  /** Builds and validates the rule for `kind` from the parsed flags. */
  ruleFor(kind: string, values: Record<string, string | undefined>): unknown;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

function flagOf(at: string[], schema: JsonSchema, required: boolean): Flag {
  const options = schema.anyOf ?? [schema];
  const concrete = options.find((option) => option.type !== 'null') ?? {};
  const type: ValueType =
    concrete.type === 'integer' || concrete.type === 'number' || concrete.type === 'boolean'
      ? concrete.type
      : concrete.type === 'string'
        ? 'string'
        : 'json';
  return {
    name: kebab(at.at(-1)!),
    at,
    type,
    ...(concrete.enum ? { choices: concrete.enum } : {}),
    nullable: options.some((option) => option.type === 'null'),
    required,
    description: schema.description ?? concrete.description ?? '',
  };
}

function flagsOf(prefix: string[], object: JsonSchema, skip: readonly string[] = []): Flag[] {
  return Object.entries(object.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, schema]) => flagOf([...prefix, name], schema, object.required?.includes(name) ?? false));
}

/** The placeholder a flag's value has in usage lines. */
export function placeholder(flag: Flag): string {
  if (flag.choices) return flag.choices.join('|');
  if (flag.type === 'json') return 'JSON|TEXT';
  if (flag.type === 'boolean') return 'true|false';
  if (flag.type === 'integer' || flag.type === 'number') return 'N';
  const name = flag.name.toUpperCase().replace(/-/g, '_');
  return flag.nullable ? `${name}|null` : name;
}

export const usage = (flag: Flag): string => {
  const text = `--${flag.name} ${placeholder(flag)}`;
  return flag.required ? text : `[${text}]`;
};

function parseValue(flag: Flag, raw: string): unknown {
  if (flag.nullable && raw === 'null') return null;
  switch (flag.type) {
    case 'integer':
    case 'number': {
      const value = Number(raw);
      const ok =
        raw.trim() !== '' && (flag.type === 'integer' ? Number.isSafeInteger(value) : Number.isFinite(value));
      if (!ok)
        throw new UsageError(
          `--${flag.name} must be ${flag.type === 'integer' ? 'an integer' : 'a number'}, got "${raw}"`,
        );
      return value;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false')
        throw new UsageError(`--${flag.name} must be true or false, got "${raw}"`);
      return raw === 'true';
    case 'json':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw; // not JSON: sent as text (an error page)
      }
    case 'string':
      return raw;
  }
}

function place(target: Record<string, unknown>, at: readonly string[], value: unknown): void {
  let node = target;
  for (const key of at.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[at.at(-1)!] = value;
}

/** The flags of a rule schema `{ match?, fault: <union on kind>, times?, probability?, seed? }`. */
export function faultFlags(ruleSchema: z.ZodType, simulator: string): FaultFlags {
  const json = z.toJSONSchema(ruleSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const properties = json.properties ?? {};
  const rule = [...flagsOf(['match'], properties.match ?? {}), ...flagsOf([], json, ['match', 'fault'])];
  const kinds = (properties.fault?.oneOf ?? properties.fault?.anyOf ?? []).map((variant): FaultKind => ({
    kind: variant.properties?.kind?.const ?? '?',
    description: variant.description ?? '',
    flags: flagsOf(['fault'], variant, ['kind']),
  }));
  const clash = kinds.flatMap((k) => k.flags).find((flag) => rule.some((other) => other.name === flag.name));
  if (clash) throw new Error(`${simulator}: the fault option --${clash.name} would shadow the rule's own`);

  const ruleFor = (kind: string, values: Record<string, string | undefined>): unknown => {
    const spec = kinds.find((candidate) => candidate.kind === kind);
    if (!spec) {
      const renamed = renamedFaultKinds[kind];
      if (renamed === undefined)
        throw new UsageError(
          `unknown ${simulator} fault "${kind}" (one of ${kinds.map((k) => k.kind).join(', ')}; or list, installed, clear)`,
        );
      throw new UsageError(
        kind === 'flapping'
          ? `"flapping" is now --probability P --seed N on any fault, e.g. chaos ${simulator} http-status --status 500 --probability 0.3 --seed 1`
          : `"${kind}" is now "${renamed}": kaspi-harness chaos ${simulator} ${[renamed, ...(kinds.find((k) => k.kind === renamed)?.flags.map(usage) ?? [])].join(' ')}`,
      );
    }
    const own = [...spec.flags, ...rule];
    const given = Object.entries(values).filter(([, value]) => value !== undefined);
    for (const [name] of given) {
      if (!own.some((flag) => flag.name === name))
        throw new UsageError(
          `--${name} is not an option of ${kind} (${spec.flags.length > 0 ? spec.flags.map(usage).join(' ') : 'it has none'})`,
        );
    }
    const missing = spec.flags.find((flag) => flag.required && values[flag.name] === undefined);
    if (missing) throw new UsageError(`${kind} needs --${missing.name} ${placeholder(missing)}`);
    const built: Record<string, unknown> = { fault: { kind } };
    for (const flag of own) {
      const raw = values[flag.name];
      if (raw !== undefined) place(built, flag.at, parseValue(flag, raw));
    }
    const parsed = ruleSchema.safeParse(built);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const flag = own.find((candidate) => candidate.at.join('.') === issue.path.join('.'));
      throw new UsageError(`${flag ? `--${flag.name}` : issue.path.join('.')}: ${issue.message}`);
    }
    return parsed.data;
  };
  return { kinds, rule, ruleFor };
}
