import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { startPhpServer } from './php.ts';

/**
 * Pids of the group's members that are still alive. Dead members may linger as zombies (state Z)
 * when PID 1 of a container does not reap orphans; they hold no port and run nothing.
 */
function livingGroupMembers(pgid: number): number[] {
  const living: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') living.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return living;
}

let startMs: number;

const parts = useParts(
  assemble()
    .with('root', async () => {
      const root = await scratchDir('kh-php-');
      const dir = root.path;
      writeFileSync(join(dir, 'hello.php'), '<?php echo "hello ", getenv("HARNESS_PROBE");');
      writeFileSync(
        join(dir, 'warn.php'),
        '<?php $a = []; echo "before:"; echo $a["missing"]; echo ":after";',
      );
      writeFileSync(
        join(dir, 'slow.php'),
        '<?php $start = microtime(true); if (isset($_GET["started"])) touch(__DIR__ . "/started-" . basename($_GET["started"]));' +
          ' usleep(700000); echo json_encode([getmypid(), $start, microtime(true)]);',
      );
      writeFileSync(join(dir, 'pid.php'), '<?php echo json_encode([getmypid(), microtime(true)]);');
      writeFileSync(join(dir, 'ini.php'), '<?php echo ini_get("memory_limit");');
      return root;
    })
    .with('php', async ({ root }) => {
      const started = Date.now();
      const php = await startPhpServer({
        documentRoot: root.path,
        logFile: join(root.path, 'logs', 'php.log'),
        workers: 3,
        env: { ...process.env, HARNESS_PROBE: 'env-ok' },
        iniOverrides: { memory_limit: '77M' },
      });
      startMs = Date.now() - started;
      return php;
    }),
);

describe('startPhpServer', () => {
  it('serves the document root on loopback with the given environment and ini', async () => {
    expect(parts.php.url).toBe(`http://127.0.0.1:${parts.php.port}`);
    expect(startMs).toBeLessThan(5_000);
    expect(await (await fetch(`${parts.php.url}/hello.php`)).text()).toBe('hello env-ok');
    expect(await (await fetch(`${parts.php.url}/ini.php`)).text()).toBe('77M');
  });

  it('keeps PHP warnings out of the response and in the log', async () => {
    expect(await (await fetch(`${parts.php.url}/warn.php`)).text()).toBe('before::after');
    expect(readFileSync(join(parts.root.path, 'logs', 'php.log'), 'utf8')).toMatch(
      /Warning: {2}Undefined array key "missing"/,
    );
  });

  it('serves requests in parallel with several workers', async () => {
    // A php -S worker may accept several waiting connections before serving any, so requests sent
    // together can all queue on one worker. The second request is sent only once the first is inside
    // its sleep: that worker cannot accept then, so only another worker can answer it in time.
    const slow = fetch(`${parts.php.url}/slow.php?started=parallel`).then(
      async (response) => (await response.json()) as [number, number, number],
    );
    const marker = join(parts.root.path, 'started-parallel');
    for (let waited = 0; !existsSync(marker); waited += 10) {
      if (waited > 10_000) throw new Error('slow.php never started');
      await sleep(10);
    }
    const [quickPid, quickEnd] = (await (await fetch(`${parts.php.url}/pid.php`)).json()) as [number, number];
    const [slowPid, , slowEnd] = await slow;
    expect(quickPid).not.toBe(slowPid);
    expect(quickEnd).toBeLessThan(slowEnd);
  });

  it('stop() ends the whole process group, workers included', async () => {
    await using other = await startPhpServer({
      documentRoot: parts.root.path,
      logFile: join(parts.root.path, 'logs', 'other.log'),
      workers: 2,
    });
    const [workerPid] = (await (await fetch(`${other.url}/slow.php`)).json()) as [number];
    expect(livingGroupMembers(other.process.pid)).toContain(workerPid);
    await other.stop();
    expect(livingGroupMembers(other.process.pid)).toEqual([]);
  });
});
