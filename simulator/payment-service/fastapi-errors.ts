/**
 * FastAPI's 422 validation errors, item for item as FastAPI 0.1xx on Pydantic v2 renders them
 * (`{"detail": [{type, loc, msg, input, ctx?}]}`), and the lax coercions Pydantic applies before
 * it complains, so a client sees the real service's answer for the same input.
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

/** Pydantic's str: no coercion from numbers; max_length counted in characters. */
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

/** Pydantic's lax float: numbers, bools and numeric strings. */
export function laxFloat(input: unknown, loc: Loc): Parsed<number> {
  if (typeof input === 'number') return { value: input };
  if (typeof input === 'boolean') return { value: input ? 1 : 0 };
  if (typeof input === 'string') {
    if (floatPattern.test(input)) return { value: Number(input.trim().replaceAll('_', '')) };
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
