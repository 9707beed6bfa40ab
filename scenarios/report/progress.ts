/**
 * The CLI's progress while a catalogue runs: one line per suite as it finishes, and anything that went
 * wrong outside the checks. What failed and why comes after, from the routing reporter — root causes
 * first — and in full in the report; vitest's own error dump would bury it under thousands of lines.
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

const suiteOf = (moduleId: string): string => /([\w-]+)\.test\.ts$/.exec(moduleId)?.[1] ?? moduleId;

export default class ProgressReporter implements Reporter {
  onTestModuleEnd(module: TestModule): void {
    const tests = [...module.children.allTests()];
    const failed = tests.filter((test) => test.result().state === 'failed').length;
    const skipped = tests.filter((test) => test.result().state === 'skipped').length;
    const seconds = (module.diagnostic().duration / 1000).toFixed(1);
    const mark = failed || module.errors().length ? '✘' : '✔';
    const counts = failed ? `${failed} of ${tests.length} checks failed` : `${tests.length} checks`;
    console.log(
      `${mark} ${suiteOf(module.moduleId)}: ${counts}${skipped ? `, ${skipped} skipped` : ''} (${seconds} s)`,
    );
    for (const error of module.errors()) console.log(`  ${firstLines(error)}`);
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    for (const error of unhandled) console.log(`✘ outside the checks: ${firstLines(error)}`);
  }
}

function firstLines(error: SerializedError): string {
  return (error.message ?? String(error)).split('\n').slice(0, 3).join('\n  ');
}
