/**
 * Whether output is coloured: the one decision every coloured line of the harness goes through (our
 * summaries, and the test runners whose output the CLI relays). The conventions people set once in
 * their shell: NO_COLOR (https://no-color.org; any non-empty value) turns colour off everywhere and
 * wins over FORCE_COLOR; FORCE_COLOR colours output that is not a terminal (a CI log, a pipe), except
 * `0` or `false`, which turn it off. Otherwise: colour on a terminal that is not `TERM=dumb`.
 */

/** What the environment says, if anything: `undefined` leaves it to the terminal. */
function stated(env: NodeJS.ProcessEnv): boolean | undefined {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force === undefined) return undefined;
  return force !== '0' && force !== 'false';
}

/** Whether to colour what is written to `stream` (process.stdout, usually). */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stated(env) ?? (stream.isTTY === true && env.TERM !== 'dumb');
}

/**
 * The environment of a child whose output we pass on to `stream`. When the decision is ours to make
 * (the user said, or the child writes into a pipe we relay to a terminal), the child is told plainly:
 * NO_COLOR=1 or FORCE_COLOR=1, never both (Node warns about that, and tools differ on which wins; one
 * library even colours whenever FORCE_COLOR is set, to 0 included). Otherwise it decides as it would
 * on its own.
 */
export function childColourEnv(
  env: NodeJS.ProcessEnv,
  options: { piped: boolean; stream?: { isTTY?: boolean } },
): NodeJS.ProcessEnv {
  const stream = options.stream ?? process.stdout;
  if (stated(env) === undefined && !(options.piped && colourWanted(stream, env))) return env;
  const { NO_COLOR: _no, FORCE_COLOR: force, ...rest } = env;
  if (!colourWanted(stream, env)) return { ...rest, NO_COLOR: '1' };
  // A level the user chose (FORCE_COLOR=3: 24-bit colour) is kept.
  return { ...rest, FORCE_COLOR: stated(env) ? force : '1' };
}
