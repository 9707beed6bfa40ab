/**
 * FastAPI's 422 validation errors, item for item as FastAPI 0.1xx on Pydantic v2 renders them
 * (`{"detail": [{type, loc, msg, input, ctx?}]}`), and the lax coercions Pydantic applies before
 * it complains, so a client sees the real service's answer for the same input.
 *
 * Beyond the plain types, the simulator's models carry the constraints its PostgreSQL columns
 * imply, as `Field(...)` would, so nothing the database would refuse reaches it: integers within
 * `integer` (int4), finite numbers, no NUL character in a string (PostgreSQL cannot store one).
 * The real service, without them, answers such input with a 500 from its database.
 */

export type Loc = (string | number)[];

export interface ValidationIssue {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export const missing = (loc: Loc, input: unknown = null): ValidationIssue => ({
  type: 'missing',
  loc,
  msg: 'Field required',
  input,
});

export interface Parsed<T> {
  value?: T;
  issue?: ValidationIssue;
}

const intPattern = /^\s*[+-]?\d+(_\d+)*\s*$/;

/** `Field(gt=…, ge=…, le=…)`, checked in Pydantic's order. */
export interface Bounds {
  gt?: number;
  ge?: number;
  le?: number;
}

/** PostgreSQL's `integer`: every int the service stores or looks up is one. */
export const int4: Bounds = { ge: -2_147_483_648, le: 2_147_483_647 };

/** The first bound `value` breaks, as Pydantic reports it (`input` is what the client sent). */
export function outOfBounds(
  value: number,
  loc: Loc,
  input: unknown,
  bounds: Bounds,
): ValidationIssue | undefined {
  if (bounds.gt !== undefined && !(value > bounds.gt)) return greaterThan(loc, input, bounds.gt);
  if (bounds.ge !== undefined && !(value >= bounds.ge)) {
    return {
      type: 'greater_than_equal',
      loc,
      msg: `Input should be greater than or equal to ${bounds.ge}`,
      input,
      ctx: { ge: bounds.ge },
    };
  }
  if (bounds.le !== undefined && !(value <= bounds.le)) {
    return {
      type: 'less_than_equal',
      loc,
      msg: `Input should be less than or equal to ${bounds.le}`,
      input,
      ctx: { le: bounds.le },
    };
  }
  return undefined;
}

/** An int within `bounds` (int4 by default): laxInt, then the bounds on the exact value. */
export function boundedInt(input: unknown, loc: Loc, bounds: Bounds = int4): Parsed<string> {
  const parsed = laxInt(input, loc);
  if (parsed.value === undefined) return parsed;
  const value = BigInt(parsed.value);
  // Compared exactly, then as a number only to build the message: 2**64 must not round into range.
  const within =
    (bounds.gt === undefined || value > BigInt(bounds.gt)) &&
    (bounds.ge === undefined || value >= BigInt(bounds.ge)) &&
    (bounds.le === undefined || value <= BigInt(bounds.le));
  if (within) return parsed;
  return { issue: outOfBounds(Number(value), loc, input, bounds) };
}

/**
 * Pydantic's lax int: ints, integral floats, bools and decimal strings pass; the result is a
 * decimal string so that values beyond JS's safe range reach PostgreSQL intact (which rejects what
 * does not fit an integer column, as the real service's database would).
 */
export function laxInt(input: unknown, loc: Loc): Parsed<string> {
  if (typeof input === 'boolean') return { value: input ? '1' : '0' };
  if (typeof input === 'number') {
    if (Number.isInteger(input)) return { value: BigInt(input).toString() };
    if (Number.isFinite(input)) {
      return {
        issue: {
          type: 'int_from_float',
          loc,
          msg: 'Input should be a valid integer, got a number with a fractional part',
          input,
        },
      };
    }
  }
  if (typeof input === 'string') {
    if (intPattern.test(input)) return { value: BigInt(input.trim().replaceAll('_', '')).toString() };
    return {
      issue: {
        type: 'int_parsing',
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input,
      },
    };
  }
  return { issue: { type: 'int_type', loc, msg: 'Input should be a valid integer', input } };
}

/** `Field(pattern=...)` that keeps NUL out: PostgreSQL text cannot hold it. */
const noNulPattern = '^[^\\x00]*$';

/** Pydantic's str: no coercion from numbers; max_length counted in characters; no NUL. */
export function str(input: unknown, loc: Loc, maxLength?: number): Parsed<string> {
  if (typeof input !== 'string')
    return { issue: { type: 'string_type', loc, msg: 'Input should be a valid string', input } };
  if (maxLength !== undefined && [...input].length > maxLength) {
    return {
      issue: {
        type: 'string_too_long',
        loc,
        msg: `String should have at most ${maxLength} character${maxLength === 1 ? '' : 's'}`,
        input,
        ctx: { max_length: maxLength },
      },
    };
  }
  if (input.includes('\0')) {
    return {
      issue: {
        type: 'string_pattern_mismatch',
        loc,
        msg: `String should match pattern '${noNulPattern}'`,
        input,
        ctx: { pattern: noNulPattern },
      },
    };
  }
  return { value: input };
}

/** The body is not JSON: FastAPI reports the decoder's position and Python's json message. */
export function jsonInvalid(position: number): ValidationIssue {
  return {
    type: 'json_invalid',
    loc: ['body', position],
    msg: 'JSON decode error',
    input: {},
    ctx: { error: 'Expecting value' },
  };
}

/** The body is JSON but not an object (an array, a number…). */
export function notAnObject(input: unknown): ValidationIssue {
  return {
    type: 'model_attributes_type',
    loc: ['body'],
    msg: 'Input should be a valid dictionary or object to extract fields from',
    input,
  };
}

const floatPattern = /^\s*[+-]?(\d+(_\d+)*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** `1e400` parses to Infinity: `Field(allow_inf_nan=False)`. */
const finite = (value: number, loc: Loc, input: unknown): Parsed<number> =>
  Number.isFinite(value)
    ? { value }
    : { issue: { type: 'finite_number', loc, msg: 'Input should be a finite number', input } };

/** Pydantic's lax float: numbers, bools and numeric strings; finite ones only. */
export function laxFloat(input: unknown, loc: Loc): Parsed<number> {
  if (typeof input === 'number') return finite(input, loc, input);
  if (typeof input === 'boolean') return { value: input ? 1 : 0 };
  if (typeof input === 'string') {
    if (floatPattern.test(input)) return finite(Number(input.trim().replaceAll('_', '')), loc, input);
    return {
      issue: {
        type: 'float_parsing',
        loc,
        msg: 'Input should be a valid number, unable to parse string as a number',
        input,
      },
    };
  }
  return { issue: { type: 'float_type', loc, msg: 'Input should be a valid number', input } };
}

const truthy = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const falsy = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** Pydantic's lax bool: bools, 0/1, and the usual yes/no words. */
export function laxBool(input: unknown, loc: Loc): Parsed<boolean> {
  if (typeof input === 'boolean') return { value: input };
  if (input === 0 || input === 1) return { value: input === 1 };
  if (typeof input === 'string') {
    const word = input.trim().toLowerCase();
    if (truthy.has(word)) return { value: true };
    if (falsy.has(word)) return { value: false };
  }
  if (typeof input === 'string' || typeof input === 'number') {
    return {
      issue: {
        type: 'bool_parsing',
        loc,
        msg: 'Input should be a valid boolean, unable to interpret input',
        input,
      },
    };
  }
  return { issue: { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input } };
}

/** `Field(gt=…)` failing. */
export const greaterThan = (loc: Loc, input: unknown, gt: number): ValidationIssue => ({
  type: 'greater_than',
  loc,
  msg: `Input should be greater than ${gt}`,
  input,
  ctx: { gt },
});
