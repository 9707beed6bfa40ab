/**
 * Output of a runner that runs alongside another one: kept back while the other one prints, shown
 * all at once when released and live from then on, so that two runners sharing the terminal read
 * as two consecutive blocks rather than interleaved lines.
 */
import type { ChildOutput } from './child-run.ts';

export class HeldOutput implements ChildOutput {
  private held: (Buffer | string)[] = [];
  private released = false;

  constructor(
    private readonly sink: (chunk: Buffer | string) => void = (chunk) => process.stdout.write(chunk),
  ) {}

  write(chunk: Buffer | string): void {
    if (this.released) this.sink(chunk);
    else this.held.push(chunk);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const chunk of this.held) this.sink(chunk);
    this.held = [];
  }
}
