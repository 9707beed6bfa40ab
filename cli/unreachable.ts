/**
 * A URL the CLI calls that does not answer: one line that names it, says why and what to do
 * (`cannot reach the Kaspi simulator's control API at http://127.0.0.1:41234 (connection refused): is
 * \`kaspi-harness up\` running? …`), never a bare "fetch failed" or a stack trace.
 */

import { connect } from 'node:net';

export interface Target {
  /** What the URL is, for a person: "the Kaspi simulator's control API". */
  what: string;
  url: string;
  /** What to do about it: "is `kaspi-harness up` running? `kaspi-harness status` shows what is up". */
  hint: string;
}

/** Thrown by `reaching` and `ensureReachable`; main.ts prints its message as it is. */
export class Unreachable extends Error {}

const tlsCode = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Why no connection was made, in words; undefined for anything else (an HTTP error answer, a bug),
 * which is not ours to reword. Reads fetch's `cause` (undici) as well as a socket error itself (pg).
 */
export function connectionProblem(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'TimeoutError') return 'no answer in time';
  const cause = (error as { cause?: unknown }).cause;
  for (const candidate of [error, cause]) {
    const code = codeOf(candidate);
    if (code === 'ECONNREFUSED') return 'connection refused';
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host name not found';
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'no answer in time';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
      return 'the connection was closed';
    if (code !== undefined && tlsCode.test(code)) return `TLS failed: ${code}`;
    if (candidate instanceof Error && candidate.message === 'bad port') return 'a port fetch refuses to call';
  }
  return undefined;
}

/** The URL as it may be printed: a password in it (a database URL) is left out. */
export function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function unreachableMessage(target: Target, problem: string): string {
  return `cannot reach ${target.what} at ${printableUrl(target.url)} (${problem}): ${target.hint}`;
}

/** Runs `call`; a connection it could not make becomes an `Unreachable` with the one line. */
export async function reaching<T>(target: Target, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const problem = error instanceof Unreachable ? undefined : connectionProblem(error);
    if (problem === undefined) throw error;
    throw new Unreachable(unreachableMessage(target, problem));
  }
}

/** Whether anything answers HTTP at `url` (any status will do); an `Unreachable` when nothing does. */
export async function ensureReachable(target: Target, timeoutMs = 5_000): Promise<void> {
  await reaching(target, async () => {
    const response = await fetch(target.url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
  });
}

/**
 * Why nothing answers at `url`, or undefined when something does (any HTTP status will do; for a
 * database URL, a TCP connection is enough).
 */
export async function problemAt(url: string, timeoutMs = 2_000): Promise<string | undefined> {
  const parsed = new URL(url);
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return undefined;
    } catch (error) {
      return connectionProblem(error) ?? (error instanceof Error ? error.message : String(error));
    }
  }
  return new Promise((resolve) => {
    const socket = connect({ host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve('no answer in time');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => resolve(connectionProblem(error) ?? error.message));
  });
}

/** Where the usual advice for the stack's own URLs is needed. */
export const upHint = 'is `kaspi-harness up` running? `kaspi-harness status` shows what is up';
