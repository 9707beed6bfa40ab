/**
 * The production layout: PHP (php -S and the CLI) sees the run's tree at /home/bitrix/..., while the
 * host's /home stays as it was; stopping the server ends it; where a namespace is impossible the
 * layout says why and falls back.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { resolveProductionLayout } from './namespace.ts';
import { writeMaterializedFiles } from './php-files.ts';
import { startPhpServer } from './php.ts';

const hostHomeBefore = readdirSync('/home');

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-ns-'))
    .with('server', async ({ dir }) => {
      const layout = resolveProductionLayout(dir.path, 'namespace');
      const www = join(layout.hostHome, 'bitrix', 'www');
      mkdirSync(www, { recursive: true });
      writeFileSync(
        join(www, 'index.php'),
        `<?php echo json_encode(['root' => $_SERVER['DOCUMENT_ROOT'], 'cert' => @file_get_contents('/home/bitrix/kaspi_certificates/client.crt'), 'cwd' => getcwd()]);`,
      );
      await writeMaterializedFiles(layout.hostHome, [
        { path: '/home/bitrix/kaspi_certificates/client.crt', content: 'TEST CERT' },
      ]);
      return startPhpServer({
        documentRoot: www,
        visibleDocumentRoot: layout.toVisible(www),
        wrap: layout.wrap,
        logFile: join(dir.path, 'php.log'),
      });
    }),
);

describe('production layout in a mount namespace', () => {
  it('PHP sees DOCUMENT_ROOT=/home/bitrix/www and files at absolute /home/bitrix paths', async () => {
    const seen = await (await fetch(`${parts.server.url}/index.php`)).json();
    expect(seen).toEqual({ root: '/home/bitrix/www', cert: 'TEST CERT', cwd: '/home/bitrix/www' });
  });

  it("leaves the host's /home untouched", () => {
    expect(readdirSync('/home')).toEqual(hostHomeBefore);
    expect(existsSync('/home/bitrix/kaspi_certificates/client.crt')).toBe(false);
  });

  it('keeps the pid: stopping the process group ends the server', async () => {
    const pid = parts.server.process.pid;
    expect(spawnSync('cat', [`/proc/${pid}/comm`], { encoding: 'utf8' }).stdout.trim()).toBe('php');
    await parts.server.stop();
    expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});

describe('fallback', () => {
  it('a run directory under /home cannot use the namespace: auto says why, namespace refuses', () => {
    const layout = resolveProductionLayout('/home/someone/run', 'auto');
    expect(layout.kind).toBe('relocatable');
    expect(layout.note).toMatch(/is itself under \/home.*absolute \/home\/bitrix paths do not resolve/);
    expect(() => resolveProductionLayout('/home/someone/run', 'namespace')).toThrow(
      /production layout unavailable/,
    );
  });

  it('without a network namespace PHP is proxy-only, and the layout says so instead of staying silent', () => {
    const relocatable = resolveProductionLayout(parts.dir.path, 'relocatable');
    expect(relocatable.network).toMatchObject({
      kind: 'proxy-only',
      note: expect.stringMatching(/no network namespace for PHP .*raw sockets .* are not confined/),
    });
    expect(resolveProductionLayout(parts.dir.path, 'namespace', 'proxy-only').network.kind).toBe(
      'proxy-only',
    );
    expect(() => resolveProductionLayout(parts.dir.path, 'relocatable', 'namespace')).toThrow(
      /no network namespace for PHP/,
    );
    // This machine can: the harness uses it by default.
    expect(resolveProductionLayout(parts.dir.path, 'namespace').network.kind).toBe('namespace');
  });
});
