/**
 * CPU time of this process and every process it started, grouped by program (node, php, mariadbd,
 * postgres). Wall time on a shared 2-core machine mostly measures the neighbours; CPU time per order
 * is what decides throughput once the machine is quiet (2 cores give 2,000 CPU-ms per wall second),
 * and it says which process each order's time goes to.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every Linux this runs on. */
const msPerTick = 10;

interface ProcessCpu {
  pid: number;
  parent: number;
  name: string;
  cpuMs: number;
}

/** Node runs several parts of the stack; the namespace gateway is a process of its own. */
function nodeRole(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('gateway.mjs') ? 'node-gateway' : 'node';
  } catch {
    return 'node';
  }
}

function readProcess(pid: number): ProcessCpu | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const name = comm === 'node' ? nodeRole(pid) : comm;
    // Fields after "(comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { pid, parent: Number(fields[1]), name, cpuMs: cpuTicks * msPerTick };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** CPU ms one process has used so far; undefined once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  return readProcess(pid)?.cpuMs;
}

/** CPU ms so far per process of the tree under `root`, keyed by pid (with the program name). */
export function cpuSnapshot(root = process.pid): Map<number, { name: string; cpuMs: number }> {
  const all: ProcessCpu[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const found = readProcess(Number(entry));
    if (found) all.push(found);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const process of all) {
      if (!inTree.has(process.pid) && inTree.has(process.parent)) {
        inTree.add(process.pid);
        grew = true;
      }
    }
  }
  return new Map(all.filter((p) => inTree.has(p.pid)).map((p) => [p.pid, { name: p.name, cpuMs: p.cpuMs }]));
}

/**
 * CPU ms spent between two snapshots, summed per program name. A process that ended in between is
 * missing from `after` and not counted (the stack's processes live for the whole measurement).
 */
export function cpuSpentByProgram(
  before: ReadonlyMap<number, { name: string; cpuMs: number }>,
  after: ReadonlyMap<number, { name: string; cpuMs: number }>,
): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [pid, now] of after) {
    const delta = now.cpuMs - (before.get(pid)?.cpuMs ?? 0);
    // php -S workers, postgres backends, npm/tsx wrappers: one figure per program is what matters.
    const program = now.name.startsWith('postgres') ? 'postgres' : now.name;
    spent.set(program, (spent.get(program) ?? 0) + delta);
  }
  return spent;
}
