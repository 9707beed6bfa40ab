/**
 * Which local process opened a connection to the proxy, so an unexpected egress can name the code
 * that caused it. Linux only: the client's port → socket inode (/proc/net/tcp, tcp6) → the process
 * holding that inode among its file descriptors. Best effort, only on the (rare) refused path.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

function socketInode(localPort: number, netnsPid?: number): string | undefined {
  const portHex = localPort.toString(16).toUpperCase().padStart(4, '0');
  // /proc/<pid>/net shows the sockets of that process's network namespace.
  const base = netnsPid === undefined ? '/proc/net' : `/proc/${netnsPid}/net`;
  for (const table of [`${base}/tcp`, `${base}/tcp6`]) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields[1]?.endsWith(`:${portHex}`) && fields[9] && fields[9] !== '0') return fields[9];
    }
  }
  return undefined;
}

/**
 * The pid owning the client end of a loopback connection whose local port is `localPort`, in the
 * harness's network namespace or in the one `netnsPid` is in (the PHP runtime's, platform/netns).
 */
export function findClientPid(localPort: number, netnsPid?: number): number | undefined {
  const inode = socketInode(localPort, netnsPid);
  if (!inode) return undefined;
  const target = `socket:[${inode}]`;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** The command line of a process, arguments joined by spaces and cut to `max` characters. */
export function commandLineOf(pid: number, max = 200): string | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return cmdline.length > max ? `${cmdline.slice(0, max)}…` : cmdline;
  } catch {
    return undefined;
  }
}
