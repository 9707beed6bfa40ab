/**
 * A Pydantic body model in miniature: fields in declaration order, each with its lax type and
 * constraints, validated all at once so a client gets every issue in one 422, as FastAPI reports them.
 */
import { jsonTooDeep, maxJsonDepth } from '../../../platform/http-limits.ts';
import {
  boundedInt,
  int4,
  jsonInvalid,
  laxBool,
  laxFloat,
  missing,
  notAnObject,
  outOfBounds,
  str,
  type Bounds,
  type Parsed,
  type ValidationIssue,
} from '../fastapi-errors.ts';
import type { JsonResponse, RouteContext } from '../http.ts';

export interface FieldSpec {
  name: string;
  kind: 'int' | 'float' | 'str' | 'bool';
  /** Absent fields are an issue; optional ones default to undefined. */
  required: boolean;
  /** `Optional[...]`: an explicit null is accepted. */
  nullable?: boolean;
  maxLength?: number;
  /** For int and float fields; an int is kept within int4 unless it says otherwise. */
  bounds?: Bounds;
}

/** int fields come back as decimal strings (see laxInt), checked against their bounds exactly. */
export type FieldValue = string | number | boolean | null | undefined;

export type ModelResult =
  { ok: true; values: Record<string, FieldValue> } | { ok: false; issues: ValidationIssue[] };

function parseField(spec: FieldSpec, value: unknown): Parsed<FieldValue> {
  const loc = ['body', spec.name];
  switch (spec.kind) {
    case 'int':
      return boundedInt(value, loc, spec.bounds ?? int4);
    case 'bool':
      return laxBool(value, loc);
    case 'str':
      return str(value, loc, spec.maxLength);
    case 'float': {
      const parsed = laxFloat(value, loc);
      const issue =
        parsed.value === undefined || !spec.bounds
          ? undefined
          : outOfBounds(parsed.value, loc, value, spec.bounds);
      return issue ? { issue } : parsed;
    }
  }
}

export function parseModel(body: unknown, fields: readonly FieldSpec[]): ModelResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [notAnObject(body)] };
  }
  const record = body as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  const values: Record<string, FieldValue> = {};
  for (const spec of fields) {
    const value = record[spec.name];
    if (value === undefined) {
      if (spec.required) issues.push(missing(['body', spec.name], body));
      continue;
    }
    if (value === null && spec.nullable) {
      values[spec.name] = null;
      continue;
    }
    const parsed = parseField(spec, value);
    if (parsed.issue) issues.push(parsed.issue);
    else values[spec.name] = parsed.value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values };
}

export const unprocessable = (issues: ValidationIssue[]): JsonResponse => ({
  status: 422,
  body: { detail: issues },
});

/** Where the JSON decoder stopped: FastAPI puts it in loc. */
function jsonErrorPosition(text: string, error: unknown): number {
  const message = error instanceof Error ? error.message : '';
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  return /end of JSON input/.test(message) ? text.length : 0;
}

/**
 * The request body as FastAPI reads it for a model parameter: empty → missing, bad JSON →
 * json_invalid. JSON nested deeper than platform/http-limits.ts allows is refused first, 400.
 */
export async function readJsonBody(
  ctx: Pick<RouteContext, 'text'>,
): Promise<{ body: unknown } | { response: JsonResponse }> {
  const raw = await ctx.text();
  if (raw.trim() === '') return { response: unprocessable([missing(['body'])]) };
  if (jsonTooDeep(raw))
    return {
      response: { status: 400, body: { detail: `JSON body nested deeper than ${maxJsonDepth} levels` } },
    };
  try {
    return { body: JSON.parse(raw) as unknown };
  } catch (error) {
    return { response: unprocessable([jsonInvalid(jsonErrorPosition(raw, error))]) };
  }
}

/** Reads and validates a body model in one step. */
export async function readModel(
  ctx: Pick<RouteContext, 'text'>,
  fields: readonly FieldSpec[],
): Promise<{ values: Record<string, FieldValue> } | { response: JsonResponse }> {
  const read = await readJsonBody(ctx);
  if ('response' in read) return read;
  const parsed = parseModel(read.body, fields);
  return parsed.ok ? { values: parsed.values } : { response: unprocessable(parsed.issues) };
}

/** A path or query integer, FastAPI style (`loc: ['path', 'shop_id']`), within `bounds` (int4). */
export function intParam(
  raw: string | undefined | null,
  loc: [string, string],
  bounds: Bounds = int4,
): { value: string } | { response: JsonResponse } {
  if (raw === undefined || raw === null) return { response: unprocessable([missing(loc)]) };
  const parsed = boundedInt(raw, loc, bounds);
  if (parsed.issue || parsed.value === undefined)
    return { response: unprocessable(parsed.issue ? [parsed.issue] : []) };
  return { value: parsed.value };
}

/** A path or query string, FastAPI style: any text but NUL (which PostgreSQL cannot compare). */
export function strParam(raw: string, loc: [string, string]): { value: string } | { response: JsonResponse } {
  const parsed = str(raw, loc);
  return parsed.issue ? { response: unprocessable([parsed.issue]) } : { value: raw };
}
