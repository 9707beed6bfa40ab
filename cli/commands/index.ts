/** Every command of the CLI: a file in this folder and one entry here. */
import type { CommandEntry } from '../command.ts';

export const commands: readonly CommandEntry[] = [
  {
    name: 'phase6',
    summary:
      "the guide's Phase 6: pay per seller (service up, down warm/cold, back) + storefront in Chromium",
    load: async () => (await import('./phase6.ts')).phase6Command,
  },
  {
    name: 'run',
    summary: 'boot the stack, run scenario suites (all, or --suite NAME), report, tear down',
    load: async () => (await import('./run.ts')).runCommand,
  },
  {
    name: 'up',
    summary: 'boot the stack and stay up; print the URLs (--json: one machine-readable ready line)',
    load: async () => (await import('./up.ts')).upCommand,
  },
  {
    name: 'down',
    summary: 'stop the stack `kaspi-harness up` started from this directory (--all: every one)',
    load: async () => (await import('./down.ts')).downCommand,
  },
  {
    name: 'status',
    summary: 'is a stack up (from this directory, or --all)? its pid, age and URLs; exit 1 if none',
    load: async () => (await import('./status.ts')).statusCommand,
  },
  {
    name: 'logs',
    summary: "print (--follow: follow) the logs of the running stack's services",
    load: async () => (await import('./logs.ts')).logsCommand,
  },
  {
    name: 'sim',
    summary: 'start one simulator alone: `sim kaspi` or `sim payment-service`',
    load: async () => (await import('./sim.ts')).simCommand,
  },
  {
    name: 'verify',
    summary: 'check a running payment-service (and its PostgreSQL) against the fixtures, read-only',
    load: async () => (await import('./verify.ts')).verifyCommand,
  },
  {
    name: 'chaos',
    summary: 'switch a fault on in a running simulator (list the kinds, show or clear the installed ones)',
    load: async () => (await import('./chaos.ts')).chaosCommand,
  },
  {
    name: 'parity',
    summary: 'compare the simulator with a real Kaspi test host, answer by answer (snapshots kept)',
    load: async () => (await import('./parity.ts')).parityCommand,
  },
  {
    name: 'setup',
    summary:
      'install what the native stack needs and this machine lacks (PHP, MariaDB, PostgreSQL, Chromium)',
    load: async () => (await import('./setup.ts')).setupCommand,
  },
  {
    name: 'report',
    summary: "re-render a run's report.html from its results.json, print its summary, or open it",
    load: async () => (await import('./report.ts')).reportCommand,
  },
];
