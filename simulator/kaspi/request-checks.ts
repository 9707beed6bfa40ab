/**
 * What the Kaspi listeners refuse before any route sees a request: a method Kaspi's API does not
 * use (405; TRACE used to reach the Fetch layer, which throws on it, and answer 500), and a body
 * nested deeper than platform/http-limits.ts allows (400). Both in Kaspi's envelope, journaled.
 */
import { jsonTooDeep, maxJsonDepth } from '../../platform/http-limits.ts';

/** HEAD is let through to the routes, which answer it 404 like any method a path does not take. */
const methods = new Set(['GET', 'POST', 'HEAD']);

export function refuseKaspiRequest(
  method: string,
  body: string,
): { httpStatus: number; message: string } | undefined {
  if (!methods.has(method))
    return {
      httpStatus: 405,
      message: `Method ${method.slice(0, 20)} not allowed: the API takes GET and POST`,
    };
  if (jsonTooDeep(body))
    return { httpStatus: 400, message: `Request body nested deeper than ${maxJsonDepth} levels` };
  return undefined;
}
