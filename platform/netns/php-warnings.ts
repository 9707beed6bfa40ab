/**
 * Unexpected egress the egress proxy never sees: a raw socket (fsockopen, stream_socket_client) that
 * PHP's network namespace refused. PHP says so in a warning — "fsockopen(): Unable to connect to
 * 203.0.113.7:443 (Network is unreachable) in /home/bitrix/www/x.php on line 3" — in the php -S
 * error log or a CLI run's stderr; this turns those lines into unexpected-egress events for the
 * proxy's record, so the same scenario checks catch them. curl with the proxy switched off logs
 * nothing by itself: its name lookup is what the namespace's resolver records (RefusedLookup); to an
 * IP literal it is confined (it cannot leave) but only recorded if the code logs its error.
 */
import type { UnexpectedEgress } from '../egress/proxy.ts';
import { followAppends, type LogWatcher } from '../follow-file.ts';

export type SocketEgress = Pick<UnexpectedEgress, 'host' | 'port' | 'method' | 'codePath'>;

// `(PHP )?Warning: fn(): Unable to connect to [scheme://]host:port (reason) in FILE on line N`
const warning =
  /(?:PHP )?Warning:\s+(\w+)\(\): Unable to connect to (?:[a-z0-9+.-]+:\/\/)?(\[[^\]]+\]|[^\s:/]+):(\d+) \((.*)\) in (.+) on line (\d+)/;

/** The egress a line of PHP output reports, if it is such a warning. */
export function parseSocketWarning(line: string): SocketEgress | undefined {
  const match = warning.exec(line);
  if (!match) return undefined;
  return {
    host: match[2]!.replace(/^\[(.*)\]$/, '$1'),
    port: Number(match[3]),
    method: 'socket',
    codePath: `${match[5]}:${match[6]}`,
  };
}

export function socketWarningsIn(text: string): SocketEgress[] {
  return text.split('\n').flatMap((line) => parseSocketWarning(line) ?? []);
}

export function watchSocketWarnings(file: string, report: (event: SocketEgress) => void): LogWatcher {
  return followAppends(file, (text) => {
    for (const event of socketWarningsIn(text)) report(event);
  });
}

/** A name lookup the namespace's resolver refused (platform/netns/gateway.mjs writes one JSON line each). */
export interface RefusedLookup {
  time: string;
  name: string;
  /** The process that asked, found while it waited for the answer. */
  pid?: number;
}

export function lookupsIn(text: string): RefusedLookup[] {
  return text.split('\n').flatMap((line): RefusedLookup[] => {
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) return [];
      const { time, name, pid } = parsed as Record<string, unknown>;
      if (typeof time !== 'string' || typeof name !== 'string') return [];
      return [{ time, name, ...(typeof pid === 'number' ? { pid } : {}) }];
    } catch {
      return [];
    }
  });
}
