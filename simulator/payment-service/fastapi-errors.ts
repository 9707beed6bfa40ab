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
