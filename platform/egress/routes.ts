/**
 * The egress route table: which destinations the PHP runtime may reach, and where the harness sends
 * them instead. A route matches a hostname glob (`*` spans one or more labels, case-insensitive) and
 * optionally a port; the first match wins. Anything unmatched is refused by the proxy.
 */

export interface EgressTarget {
  host: string;
  port: number;
  /**
   * `tunnel` (default): the CONNECT tunnel is piped to the target as raw TCP, so TLS (and a client
   * certificate) runs end to end between PHP and the target. `terminate`: the proxy itself answers
   * TLS with a harness-CA certificate for the requested hostname and forwards plain HTTP to the
   * target — for simulators that only listen on plain HTTP.
   */
  mode?: 'tunnel' | 'terminate';
}

export interface EgressRoute {
  /** Hostname glob, e.g. `qrapi-cert-ip.kaspi.kz` or `*.up.railway.app`. */
  match: string;
  /** Only this destination port; any port when absent. */
  port?: number;
  target: EgressTarget;
  /** Shown in logs and reports ("kaspi r3", "payment-service"). */
  name?: string;
}

/**
 * Compiled globs: findRoute runs for every CONNECT (three per checkout), and compiling every route's
 * pattern again each time is wasted work. Route tables hold a handful of globs.
 */
const compiled = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  const cached = compiled.get(glob);
  if (cached) return cached;
  const pattern = glob
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*');
  const regExp = new RegExp(`^${pattern}$`);
  compiled.set(glob, regExp);
  return regExp;
}

/** Strips the brackets of an IPv6 literal and a trailing dot, lowercases. */
export function normalizeHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

export function findRoute(
  routes: readonly EgressRoute[],
  host: string,
  port: number,
): EgressRoute | undefined {
  const name = normalizeHost(host);
  return routes.find(
    (route) => (route.port === undefined || route.port === port) && globToRegExp(route.match).test(name),
  );
}

export interface DefaultRoutesOptions {
  /** Kaspi simulator endpoints per access scheme; `r3` also serves the production host. */
  kaspi?: { r1?: EgressTarget; r2?: EgressTarget; r3?: EgressTarget };
  paymentService?: EgressTarget;
  /** More hosts served by the payment-service simulator (a team's own deployment name). */
  paymentServiceHosts?: readonly string[];
  /** The webhook sink and the hosts the team marks as theirs (CRM, notifications). */
  sink?: { target: EgressTarget; hosts: readonly string[] };
}

/** Kaspi's test host ports per scheme (kaspi-qr-api.md): r1 8543, r2 8544, r3 8545. */
export const kaspiTestPorts = { r1: 8543, r2: 8544, r3: 8545 } as const;

/**
 * The route table: Kaspi production and test hosts → Kaspi simulator; Railway and listed hosts
 * → payment-service simulator; the team's hosts → the webhook sink.
 */
export function defaultEgressRoutes(options: DefaultRoutesOptions): EgressRoute[] {
  const routes: EgressRoute[] = [];
  const { kaspi } = options;
  if (kaspi?.r3)
    routes.push({
      match: 'qrapi-cert-ip.kaspi.kz',
      port: 443,
      target: kaspi.r3,
      name: 'kaspi r3 (production)',
    });
  if (kaspi?.r1)
    routes.push({ match: 'qrapi-key.kaspi.kz', port: 443, target: kaspi.r1, name: 'kaspi r1 (production)' });
  for (const scheme of ['r1', 'r2', 'r3'] as const) {
    const target = kaspi?.[scheme];
    if (target)
      routes.push({
        match: 'mtokentest.kaspi.kz',
        port: kaspiTestPorts[scheme],
        target,
        name: `kaspi ${scheme} (test)`,
      });
  }
  if (options.paymentService) {
    for (const host of [
      'payment-service.up.railway.app',
      '*.up.railway.app',
      ...(options.paymentServiceHosts ?? []),
    ]) {
      routes.push({ match: host, target: options.paymentService, name: 'payment-service' });
    }
  }
  for (const host of options.sink?.hosts ?? []) {
    routes.push({ match: host, target: options.sink!.target, name: 'webhook sink' });
  }
  return routes;
}
