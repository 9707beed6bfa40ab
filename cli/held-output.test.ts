import { describe, expect, it } from 'vitest';
import { HeldOutput } from './held-output.ts';

describe('HeldOutput', () => {
  it('keeps output back until released, then shows it in order and passes the rest straight on', () => {
    const shown: string[] = [];
    const output = new HeldOutput((chunk) => shown.push(String(chunk)));
    output.write('one\n');
    output.write(Buffer.from('two\n'));
    expect(shown).toEqual([]);
    output.release();
    expect(shown).toEqual(['one\n', 'two\n']);
    output.write('three\n');
    output.release();
    expect(shown).toEqual(['one\n', 'two\n', 'three\n']);
  });
});
