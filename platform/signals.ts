/** The exit code of a process ended by a signal, as shells report it: 128 + the signal's number. */
export function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1;
}
