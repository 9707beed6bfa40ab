/** NO_COLOR and FORCE_COLOR as people set them in their shell, and what our children are told. */
import { describe, expect, it } from 'vitest';
import { childColourEnv, colourWanted } from './colour.ts';

const terminal = { isTTY: true };
const pipe = { isTTY: false };

describe('colourWanted', () => {
  it('colours a terminal and not a pipe when nothing is set, and not a dumb terminal', () => {
    expect(colourWanted(terminal, {})).toBe(true);
    expect(colourWanted(pipe, {})).toBe(false);
    expect(colourWanted(terminal, { TERM: 'dumb' })).toBe(false);
  });

  it('NO_COLOR with any non-empty value turns it off, on a terminal too, FORCE_COLOR or not', () => {
    for (const value of ['1', 'true', 'yes', '0'])
      expect(colourWanted(terminal, { NO_COLOR: value }), `NO_COLOR=${value}`).toBe(false);
    expect(colourWanted(terminal, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    // An empty NO_COLOR is unset, as no-color.org defines it.
    expect(colourWanted(terminal, { NO_COLOR: '' })).toBe(true);
  });

  it('FORCE_COLOR colours a pipe; 0 and false turn colour off on a terminal', () => {
    for (const value of ['1', '2', '3', 'true', ''])
      expect(colourWanted(pipe, { FORCE_COLOR: value }), `FORCE_COLOR=${value}`).toBe(true);
    for (const value of ['0', 'false'])
      expect(colourWanted(terminal, { FORCE_COLOR: value }), `FORCE_COLOR=${value}`).toBe(false);
  });
});

describe('childColourEnv', () => {
  it('tells a child NO_COLOR=1 and nothing else when colour is off, piped or not', () => {
    for (const piped of [true, false]) {
      const env = childColourEnv(
        { NO_COLOR: 'yes', FORCE_COLOR: '1', PATH: '/bin' },
        { piped, stream: terminal },
      );
      expect(env).toEqual({ NO_COLOR: '1', PATH: '/bin' });
    }
    expect(childColourEnv({ FORCE_COLOR: '0' }, { piped: false, stream: terminal })).toEqual({
      NO_COLOR: '1',
    });
  });

  it('tells a piped child FORCE_COLOR when our terminal is coloured, keeping a level the user chose', () => {
    expect(childColourEnv({ PATH: '/bin' }, { piped: true, stream: terminal })).toEqual({
      PATH: '/bin',
      FORCE_COLOR: '1',
    });
    expect(childColourEnv({ FORCE_COLOR: '3' }, { piped: true, stream: pipe })).toEqual({ FORCE_COLOR: '3' });
  });

  it('leaves the environment alone when nobody said anything and the child sees our terminal or pipe', () => {
    const env = { PATH: '/bin', CI: 'true' };
    expect(childColourEnv(env, { piped: false, stream: terminal })).toBe(env);
    expect(childColourEnv(env, { piped: true, stream: pipe })).toBe(env);
  });
});
