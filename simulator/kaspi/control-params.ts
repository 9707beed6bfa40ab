/** Query and path parameters of the Kaspi control API, refused with 400 `invalid_parameter`. */
import { ControlError } from '../../platform/http/control-api.ts';

export function idParam(text: string | null | undefined, name: string): number | undefined {
  if (text === null || text === undefined || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw new ControlError(400, 'invalid_parameter', `${name} must be a positive integer`);
  return Number(text);
}

/** ISO 8601 or epoch milliseconds. */
export function timeParam(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(value))
    throw new ControlError(400, 'invalid_parameter', `${name} must be ISO 8601 or epoch ms`);
  return value;
}
