/**
 * Following a log file as a process appends to it: the lines after a given offset (its end when it
 * is opened, by default), batch by batch, as `tail -f` shows them.
 */
import { closeSync, openSync, readSync, statSync, watch, type FSWatcher } from 'node:fs';

export interface LogWatcher {
  /** Reads what was appended since the last look (a reader calls it before it looks at what it has). */
  flush(): void;
  stop(): void;
}

/** Appends seen within this long are read together: php -S logs three lines per request. */
const coalesceMs = 25;
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * Follows a file from its current end (or from byte `from`) and hands over each batch of complete
 * lines. fs.watch wakes
 * it as the writer appends, and one read follows within 25 ms, however many appends came in that
 * time (the lines carry their own times); `flush` closes the remaining gap when someone reads the
 * record.
 */
export function followAppends(
  file: string,
  onLines: (text: string) => void,
  options: { from?: number } = {},
): LogWatcher {
  let offset = options.from ?? 0;
  if (options.from === undefined) {
    try {
      offset = statSync(file).size;
    } catch {
      // not written yet: start at its beginning
    }
  }
  let partial = '';
  const flush = (): void => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const read = readSync(fd, readBuffer, 0, readBuffer.length, offset);
        if (read <= 0) break;
        offset += read;
        partial += readBuffer.subarray(0, read).toString('utf8');
      }
    } finally {
      closeSync(fd);
    }
    const end = partial.lastIndexOf('\n');
    if (end < 0) return;
    const complete = partial.slice(0, end);
    partial = partial.slice(end + 1);
    onLines(complete);
  };
  let watcher: FSWatcher | undefined;
  let scheduled: NodeJS.Timeout | undefined;
  const flushSoon = (): void => {
    scheduled ??= setTimeout(() => {
      scheduled = undefined;
      flush();
    }, coalesceMs).unref();
  };
  try {
    watcher = watch(file, { persistent: false }, flushSoon);
    watcher.on('error', () => watcher?.close());
  } catch {
    // no inotify: flush() on read still finds everything
  }
  return {
    flush,
    stop: () => {
      clearTimeout(scheduled);
      flush();
      watcher?.close();
    },
  };
}
