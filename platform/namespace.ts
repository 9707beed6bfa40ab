/**
 * The production layout for PHP: code written for the real server opens `/home/bitrix/...` by
 * absolute path, so PHP must see the run's `<runDir>/home` at `/home` — without touching the host's
 * real `/home`. A private mount namespace (`unshare -m` as root, `unshare -Urm` through a user
 * namespace otherwise) bind-mounts the run's tree over /home for the PHP process only. Where neither
 * works, the layout falls back to a relocatable root (`<runDir>/home/bitrix/www`) and says why:
 * absolute production paths then do not resolve.
 *
 * `unshare` (without --fork) and `exec` keep the pid, so the process-group stop of
 * platform/process.ts still ends the PHP server.
 *
 * Where it can, the layout also offers a private network namespace (`unshare -m -n`, `-Urmn`):
 * platform/netns holds one per run and PHP enters it, so raw sockets cannot leave through anything but
 * the harness's relays. Where that is impossible (no `ip`, `unshare -n` refused) the layout says
 * why in `network.note`: PHP then reaches the network through the egress proxy's settings only.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

export type ProductionLayoutRequest = 'namespace' | 'relocatable' | 'auto';
/** `proxy-only`: no network namespace even where one is possible (today's behaviour before it). */
export type NetworkRequest = 'namespace' | 'proxy-only' | 'auto';

/** How PHP's network is confined: a private network namespace, or only the proxy settings. */
export type NetworkConfinement =
  { kind: 'namespace'; unshareArgs: string[]; userNamespace: boolean } | { kind: 'proxy-only'; note: string };

export interface ProductionLayout {
  kind: 'namespace' | 'relocatable';
  /** The run's home tree on the host (`<runDir>/home`). */
  hostHome: string;
  /** Where PHP sees that tree: `/home` in a namespace, the host path otherwise. */
  visibleHome: string;
  /** Why the layout is relocatable (undefined for a namespace). */
  note?: string;
  network: NetworkConfinement;
  /** The host path of a path PHP sees (`/home/bitrix/www` → `<runDir>/home/bitrix/www`). */
  toHost(visiblePath: string): string;
  /** The path PHP sees for a host path under the run's home. */
  toVisible(hostPath: string): string;
  /** Command and arguments that run `command` in the layout, with `cwd` as PHP sees it. */
  wrap(command: string, args: readonly string[], cwd: string): { command: string; args: string[] };
}

// $0 is a name, $1 the run's home, $2 the working directory; the rest is the command to exec.
const mountScript = 'mount --bind "$1" /home && cd "$2" && shift 2 && exec "$@"';

type Probe = { ok: true; unshareArgs: string[] } | { ok: false; reason: string };

/**
 * Runs `script` under each `unshare` variant in turn (root's first: it needs no user namespace) and
 * returns the first that works, or every variant's reason.
 */
function probeUnshare(variants: { root: string[]; user: string[] }, script: string, hint = ''): Probe {
  const reasons: string[] = [];
  for (const unshareArgs of [variants.root, variants.user]) {
    if (unshareArgs === variants.root && process.getuid?.() !== 0) {
      reasons.push(`unshare ${unshareArgs.join(' ')} needs root`);
      continue;
    }
    const result = spawnSync(
      'unshare',
      [...unshareArgs, '--propagation', 'private', '--', 'sh', '-c', script],
      {
        encoding: 'utf8',
        timeout: 5_000,
      },
    );
    if (result.status === 0) return { ok: true, unshareArgs: [...unshareArgs, '--propagation', 'private'] };
    reasons.push(
      `unshare ${unshareArgs.join(' ')}: ${(result.error?.message ?? result.stderr ?? '').trim() || `exit ${result.status}${hint}`}`,
    );
  }
  return { ok: false, reason: reasons.join('; ') };
}

let probed: Probe | undefined;

/** Tries `unshare -m` (root) then `unshare -Urm` (user namespace) once per process. */
export function probeMountNamespace(): Probe {
  return (probed ??= probeUnshare({ root: ['-m'], user: ['-Urm'] }, 'mount -t tmpfs none /home && true'));
}

let networkProbed: Probe | undefined;

/**
 * Tries the mount and network namespaces together, as the holder uses them (`-m -n` as root, `-Urmn`
 * otherwise), including bringing the loopback device up with `ip`; once per process.
 */
export function probeNetworkNamespace(): Probe {
  return (networkProbed ??= probeUnshare(
    { root: ['-m', '-n'], user: ['-Urmn'] },
    'mount -t tmpfs none /home && ip link set lo up && command -v nsenter',
    " (is iproute2's ip or nsenter missing?)",
  ));
}

const proxyOnly = (why: string): NetworkConfinement => ({
  kind: 'proxy-only',
  note: `no network namespace for PHP (${why}): its curl and stream wrappers go through the egress proxy, but raw sockets (fsockopen, stream_socket_client, curl without the proxy) are not confined`,
});

function networkFor(request: NetworkRequest, mountOk: boolean): NetworkConfinement {
  if (request === 'proxy-only') return proxyOnly('proxy-only requested');
  const probe = mountOk ? probeNetworkNamespace() : undefined;
  const network: NetworkConfinement = probe?.ok
    ? { kind: 'namespace', unshareArgs: probe.unshareArgs, userNamespace: probe.unshareArgs[0] === '-Urmn' }
    : proxyOnly(probe ? probe.reason : "it needs the production layout's mount namespace");
  if (request === 'namespace' && network.kind !== 'namespace') throw new Error(network.note);
  return network;
}

function relocatable(hostHome: string, note: string, network: NetworkConfinement): ProductionLayout {
  return {
    kind: 'relocatable',
    hostHome,
    visibleHome: hostHome,
    note,
    network,
    toHost: (path) => (path.startsWith('/home/') ? join(hostHome, path.slice('/home/'.length)) : path),
    toVisible: (path) => path,
    wrap: (command, args) => ({ command, args: [...args] }),
  };
}

/**
 * Decides the layout for a run. `namespace` throws when it is impossible; `auto` falls back to
 * relocatable with the reason in `note`.
 */
export function resolveProductionLayout(
  runDir: string,
  request: ProductionLayoutRequest,
  networkRequest: NetworkRequest = 'auto',
): ProductionLayout {
  const hostHome = resolve(runDir, 'home');
  if (request === 'relocatable')
    return relocatable(hostHome, 'relocatable layout requested', networkFor(networkRequest, false));
  const reasons: string[] = [];
  if (process.platform !== 'linux') reasons.push('mount namespaces need Linux');
  // The bind mount hides the host's /home inside the namespace: the run itself must live elsewhere.
  if (resolve(runDir).startsWith('/home/')) reasons.push(`the run directory ${runDir} is itself under /home`);
  const probe = reasons.length === 0 ? probeMountNamespace() : undefined;
  if (probe && !probe.ok) reasons.push(probe.reason);
  if (!probe?.ok) {
    const note = `production layout unavailable (${reasons.join('; ')}): PHP runs in ${hostHome}/bitrix/www and absolute /home/bitrix paths do not resolve`;
    if (request === 'namespace') throw new Error(note);
    return relocatable(hostHome, note, networkFor(networkRequest, false));
  }
  const unshareArgs = probe.unshareArgs;
  return {
    kind: 'namespace',
    hostHome,
    visibleHome: '/home',
    network: networkFor(networkRequest, true),
    toHost: (path) => (path.startsWith('/home/') ? join(hostHome, path.slice('/home/'.length)) : path),
    toVisible: (path) =>
      path.startsWith(`${hostHome}/`) ? `/home/${path.slice(hostHome.length + 1)}` : path,
    wrap: (command, args, cwd) => ({
      command: 'unshare',
      args: [...unshareArgs, '--', 'sh', '-c', mountScript, 'kh-home', hostHome, cwd, command, ...args],
    }),
  };
}
