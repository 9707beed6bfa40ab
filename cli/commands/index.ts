/** Every command of the CLI. A new command is a file in this folder and one line here. */
import type { Command } from '../command.ts';
import { chaosCommand } from './chaos.ts';
import { downCommand } from './down.ts';
import { phase6Command } from './phase6.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { simCommand } from './sim.ts';
import { upCommand } from './up.ts';
import { verifyCommand } from './verify.ts';

export const commands: readonly Command[] = [
  phase6Command,
  runCommand,
  upCommand,
  downCommand,
  simCommand,
  reportCommand,
  verifyCommand,
  chaosCommand,
];
