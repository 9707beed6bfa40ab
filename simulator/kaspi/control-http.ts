/**
 * Plumbing shared by the control API's route modules: the route shape, errors that become
 * `{ error: { code, message } }` answers, and body/parameter parsing with hard limits.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { jsonTooDeep, maxJsonDepth } from '../../platform/http-limits.ts';

export class ControlError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlRequest {
  method: string;
  /** Path without the query string and trailing slashes. */
  path: string;
  url: URL;
  /** Capture groups of the route's pattern. */
  params: string[];
  req: IncomingMessage;
}

/** A JSON answer (`body`) or a raw one (`text` with its own content type). */
export interface ControlReply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface ControlRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Anchored pattern over the path. */
  pattern: RegExp;
  handle(request: ControlRequest): ControlReply | Promise<ControlReply>;
}

export const ok = (body: unknown, status = 200): ControlReply => ({ status, body });

export async function readJson(req: IncomingMessage, limitBytes = 64 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new ControlError(413, 'body_too_large', `Body over ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  if (jsonTooDeep(text))
    throw new ControlError(400, 'body_too_deep', `Body nested deeper than ${maxJsonDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ControlError(400, 'invalid_json', 'Body is not valid JSON');
  }
}

/** Validates with zod; the first issue becomes a 400 naming the field. */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ControlError(400, 'invalid_body', `${where}${issue?.message ?? 'invalid body'}`);
}

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
