/**
 * How long each part of a command took, for QA reading the progress output: a line when a part
 * ends, and one summary line at the end ("phase6 timing: …"), wall clock from the timer's start.
 */
export interface StepTimer {
  /**
   * Runs `step`, printing "[phase6] <name> finished in 9.4 s" when it settles — through `log` when
   * given (a step whose output is held back prints its line with that output).
   */
  time<T>(name: string, step: () => Promise<T>, log?: (line: string) => void): Promise<T>;
  summary(): string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function stepTimer(
  label = 'phase6',
  log: (line: string) => void = (line) => console.log(line),
  now: () => number = () => performance.now(),
): StepTimer {
  const started = now();
  const steps: { name: string; ms: number }[] = [];
  return {
    async time(name, step, stepLog = log) {
      const stepStarted = now();
      try {
        return await step();
      } finally {
        const ms = now() - stepStarted;
        steps.push({ name, ms });
        stepLog(`[${label}] ${name} finished in ${seconds(ms)}`);
      }
    },
    summary() {
      const parts = steps.map((step) => `${step.name} ${seconds(step.ms)}`);
      const together = steps.length > 1 ? ' (at the same time)' : '';
      return `${label} timing: ${parts.join(', ')}${together}; ${seconds(now() - started)} in all`;
    },
  };
}
