/** Every command of the CLI. A new command is a file in this folder and one line here. */
import type { Command } from '../command.ts';
import { phase6Command } from './phase6.ts';

export const commands: readonly Command[] = [phase6Command];
