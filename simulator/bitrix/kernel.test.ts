/**
 * The kernel's Bitrix semantics, driven through PHP CLI runs (each run is a fresh "request").
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { connectAsApp } from './seed.ts';
import { runStubPhp, withStub } from './test-support.ts';

const parts = useParts(
  // Nothing listens on port 9: the kernel tests never reach the network.
  withStub(
    assemble().with('dir', () => scratchDir('kh-bitrix-kernel-')),
    () => ({ kaspiUrl: 'http://127.0.0.1:9', paymentServiceUrl: 'http://127.0.0.1:9/api', seed: 7 }),
  ),
);

const php = (code: string) => runStubPhp(parts.stub, `use Bitrix\\Main\\Config\\Option;\n${code}`);

describe('Option', () => {
  it('always returns a string, so `?? default` never applies', async () => {
    const out = await php(`
      var_export(Option::get('harness.none', 'missing') ?? 'x'); echo "|";
      var_export(Option::get('harness.none', 'missing', 'dflt')); echo "|";
      Option::set('harness.types', 'n', 42);
      var_export(Option::get('harness.types', 'n'));`);
    expect(out).toBe("''|'dflt'|'42'");
  });

  it('throws ArgumentNullException on an empty module or name', async () => {
    const out = await php(`
      foreach ([['', 'x'], ['m', '']] as [$m, $n]) {
        try { Option::get($m, $n); echo 'no'; } catch (\\Bitrix\\Main\\ArgumentNullException $e) { echo 'thrown;'; }
      }`);
    expect(out).toBe('thrown;thrown;');
  });

  it('reads default_option.php (/local before /bitrix) only when the default is empty', async () => {
    const files: [string, string][] = [
      ['bitrix', 'from-bitrix'],
      ['local', 'from-local'],
    ];
    for (const [base, value] of files) {
      const dir = join(parts.stub.documentRoot, base, 'modules', 'harness.defaults');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'default_option.php'),
        `<?php $harness_defaults_default_option = ['a' => '${value}', 'only_${base}' => '1'];`,
      );
    }
    const out = await php(`
      echo Option::get('harness.defaults', 'a'), '|', Option::get('harness.defaults', 'a', 'explicit'), '|',
        Option::get('harness.defaults', 'only_bitrix') === '' ? 'local-file-only' : 'merged';`);
    expect(out).toBe('from-local|explicit|local-file-only');
  });

  it('prefers the per-site value over the global one', async () => {
    await php(
      `Option::set('harness.site', 'k', 'global'); Option::set('harness.site', 'k', 'for-s1', 's1');`,
    );
    const out = await php(
      `echo Option::get('harness.site', 'k'), '|', Option::get('harness.site', 'k', '', 's2');`,
    );
    expect(out).toBe('for-s1|global');
    await php(`Option::delete('harness.site', ['name' => 'k', 'site_id' => 's1']);`);
    expect(await php(`echo Option::get('harness.site', 'k');`)).toBe('global');
  });

  it('does not see a row written straight to MySQL until the managed cache is cleared', async () => {
    expect(await php(`echo '[', Option::get('harness.direct', 'url'), ']';`)).toBe('[]');
    const connection = await connectAsApp(parts.mariadb);
    try {
      await connection.query(
        "INSERT INTO b_option (MODULE_ID, NAME, VALUE) VALUES ('harness.direct', 'url', 'http://new')",
      );
    } finally {
      await connection.end();
    }
    expect(await php(`echo '[', Option::get('harness.direct', 'url'), ']';`)).toBe('[]');
    await parts.stub.clearCache();
    expect(await php(`echo '[', Option::get('harness.direct', 'url'), ']';`)).toBe('[http://new]');
  });

  it('Option::delete removes a name (global and per-site rows) or a whole module, and clears the cache', async () => {
    await php(
      `Option::set('harness.del', 'a', '1'); Option::set('harness.del', 'a', '1-s1', 's1'); Option::set('harness.del', 'b', '2');`,
    );
    expect(await php(`echo Option::get('harness.del', 'a'), Option::get('harness.del', 'b');`)).toBe('1-s12');
    await php(`Option::delete('harness.del', ['name' => 'a']);`);
    expect(
      await php(`echo '[', Option::get('harness.del', 'a'), '|', Option::get('harness.del', 'b'), ']';`),
    ).toBe('[|2]');
    await php(`Option::delete('harness.del');`);
    expect(await php(`echo '[', Option::get('harness.del', 'b'), ']';`)).toBe('[]');
    expect(
      await php(
        `try { Option::delete('main'); } catch (\\Bitrix\\Main\\ArgumentNullException $e) { echo 'refused'; }`,
      ),
    ).toBe('refused');
  });

  it('the legacy COption API reads and writes the same values', async () => {
    await php(`COption::SetOptionString('harness.legacy', 'x', 'via-legacy');`);
    expect(
      await php(
        `echo Option::get('harness.legacy', 'x'), '|', COption::GetOptionString('harness.legacy', 'missing', 'dflt');`,
      ),
    ).toBe('via-legacy|dflt');
  });

  it('Option::set clears the cache it changed', async () => {
    expect(await php(`echo Option::get('harness.setter', 'v', 'unset');`)).toBe('unset');
    await php(`Option::set('harness.setter', 'v', 'written');`);
    expect(await php(`echo Option::get('harness.setter', 'v', 'unset');`)).toBe('written');
  });
});

describe('Debug::writeToFile', () => {
  it('treats the second argument as a label and the third as the file', async () => {
    const bxLog = parts.stub.logFiles.bxLog;
    const guideLog = parts.stub.logFiles.kaspiPaymentServiceLog;
    await php(`\\Bitrix\\Main\\Diag\\Debug::writeToFile('lookup failed', 'kaspi_payment_service.log');`);
    expect(readFileSync(bxLog, 'utf8')).toContain('kaspi_payment_service.log:\nlookup failed\n\n');
    expect(existsSync(guideLog) ? readFileSync(guideLog, 'utf8') : '').not.toContain('lookup failed');

    await php(
      `\\Bitrix\\Main\\Diag\\Debug::writeToFile(['a' => 1], 'Label', 'bitrix/log/kaspi_payment_service.log');`,
    );
    expect(readFileSync(guideLog, 'utf8')).toMatch(/Label:\nArray\n\(\n {4}\[a\] => 1\n\)\n/);
  });

  it('dumpToFile writes var_dump output under the label', async () => {
    await php(`\\Bitrix\\Main\\Diag\\Debug::dumpToFile(['n' => 1], 'Dumped', 'bitrix/log/dump.log');`);
    expect(readFileSync(join(parts.stub.documentRoot, 'bitrix/log/dump.log'), 'utf8')).toMatch(
      /^Dumped:\narray\(1\) \{\n {2}\["n"\]=>\n {2}int\(1\)\n\}\n/,
    );
  });

  it('AddMessage2Log appends to LOG_FILENAME when the site defines it', async () => {
    const file = join(parts.stub.documentRoot, 'bitrix/log/site.log');
    await php(
      `define('LOG_FILENAME', '${file}'); $_SERVER['HTTP_HOST'] = 'cvety.kz'; AddMessage2Log('config lookup failed', 'onelab.kaspipay');`,
    );
    expect(readFileSync(file, 'utf8')).toMatch(
      /^Host: cvety\.kz\nDate: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\nModule: onelab\.kaspipay\nconfig lookup failed\n----------\n$/,
    );
  });

  it('AddMessage2Log does nothing without LOG_FILENAME', async () => {
    const before = existsSync(parts.stub.logFiles.bxLog)
      ? readFileSync(parts.stub.logFiles.bxLog, 'utf8')
      : '';
    expect(await php(`AddMessage2Log('nowhere'); echo 'ok';`)).toBe('ok');
    const after = existsSync(parts.stub.logFiles.bxLog)
      ? readFileSync(parts.stub.logFiles.bxLog, 'utf8')
      : '';
    expect(after).toBe(before);
  });
});

describe('Data\\Cache', () => {
  const store = (ttl: number, key: string) => `
    $c = \\Bitrix\\Main\\Data\\Cache::createInstance();
    if ($c->initCache(${ttl}, '${key}', '/harness/test')) { echo 'hit:', $c->getVars()['v']; }
    elseif ($c->startDataCache()) { $c->endDataCache(['v' => 'stored']); echo 'miss'; }`;

  it('keeps an entry across requests under bitrix/cache/<initDir>/', async () => {
    expect(await php(store(3600, 'across'))).toBe('miss');
    expect(await php(store(3600, 'across'))).toBe('hit:stored');
    expect(existsSync(join(parts.stub.documentRoot, 'bitrix', 'cache', 'harness', 'test'))).toBe(true);
    await php(`\\Bitrix\\Main\\Data\\Cache::createInstance()->clean('across', '/harness/test');`);
    expect(await php(store(3600, 'across'))).toBe('miss');
  });

  it('expires an entry after its TTL', async () => {
    expect(await php(store(1, 'short'))).toBe('miss');
    expect(await php(store(1, 'short'))).toBe('hit:stored');
    await sleep(2_100);
    expect(await php(store(1, 'short'))).toBe('miss');
  });

  it('abortDataCache stores nothing and cleanDir empties the directory', async () => {
    const abort = `$c = \\Bitrix\\Main\\Data\\Cache::createInstance();
      if ($c->initCache(60, 'aborted', '/harness/abort')) { echo 'hit'; } elseif ($c->startDataCache()) { $c->abortDataCache(); echo 'miss'; }`;
    expect(await php(abort)).toBe('miss');
    expect(await php(abort)).toBe('miss');
    await php(store(3600, 'gone'));
    await php(`\\Bitrix\\Main\\Data\\Cache::createInstance()->cleanDir('/harness/test');`);
    expect(existsSync(join(parts.stub.documentRoot, 'bitrix', 'cache', 'harness', 'test'))).toBe(false);
  });
});

describe('Loader and bootstrap', () => {
  it('registerNamespace tries the lowercase path before the original case', async () => {
    const base = join(parts.stub.documentRoot, 'local', 'classes', 'Integration', 'Probe');
    mkdirSync(join(parts.stub.documentRoot, 'local', 'classes', 'Integration', 'probe'), { recursive: true });
    mkdirSync(base, { recursive: true });
    writeFileSync(
      join(parts.stub.documentRoot, 'local/classes/Integration/probe/which.php'),
      '<?php namespace Integration\\Probe; class Which { const F = "lower"; }',
    );
    writeFileSync(
      join(base, 'Which.php'),
      '<?php namespace Integration\\Probe; class Which { const F = "original"; }',
    );
    writeFileSync(
      join(base, 'Only.php'),
      '<?php namespace Integration\\Probe; class Only { const F = "original"; }',
    );
    expect(await php(`echo \\Integration\\Probe\\Which::F, '|', \\Integration\\Probe\\Only::F;`)).toBe(
      'lower|original',
    );
  });

  it('loads sale only after includeModule and knows no uninstalled module', async () => {
    const out = await php(`
      echo class_exists('\\Bitrix\\Sale\\Order') ? 'y' : 'n';
      echo \\Bitrix\\Main\\Loader::includeModule('sale') ? 'y' : 'n';
      echo class_exists('\\Bitrix\\Sale\\Order') ? 'y' : 'n';
      echo \\Bitrix\\Main\\Loader::includeModule('nope') ? 'y' : 'n';`);
    expect(out).toBe('nyyn');
  });

  it("runs the deployment guide's smoke test without DOCUMENT_ROOT", async () => {
    const prolog = join(parts.stub.documentRoot, 'bitrix/modules/main/include/prolog_before.php');
    const { stdout } = await promisify(execFile)(
      'php',
      [
        '-r',
        `require_once '${prolog}'; echo SITE_ID, '|', class_exists('\\Integration\\PaymentService\\Client') ? 'client' : 'none', '|', class_exists('\\Integration\\Kaspi\\ApiClient') ? 'api' : 'none';`,
      ],
      { env: { PATH: process.env.PATH ?? '' } },
    );
    expect(stdout).toBe('s1|client|api');
  });

  it('Json::decode returns arrays and throws ArgumentException on bad input', async () => {
    const out = await php(`
      echo gettype(\\Bitrix\\Main\\Web\\Json::decode('{"a":{"b":1}}')['a']), '|';
      try { \\Bitrix\\Main\\Web\\Json::decode('{'); } catch (\\Bitrix\\Main\\ArgumentException $e) { echo 'thrown'; }`);
    expect(out).toBe('array|thrown');
  });
});

describe('HTTP surface', () => {
  it('serves the seeded catalogue and hides the kernel and credentials', async () => {
    const catalogue = (await (await fetch(`${parts.stub.url}/local/api/catalogue.php`)).json()) as {
      products: { id: number; shopId: number; name: string; price: number }[];
    };
    expect(catalogue.products).toHaveLength(21);
    expect(new Set(catalogue.products.map((p) => p.shopId)).size).toBe(7);
    for (const path of [
      '/bitrix/php_interface/dbconn.php',
      '/local/classes/Integration/Kaspi/ApiClient.php',
      '/__bx_log.log',
    ]) {
      expect((await fetch(`${parts.stub.url}${path}`)).status, path).toBe(404);
    }
    expect(readFileSync(join(parts.stub.documentRoot, 'bitrix/php_interface/dbconn.php'), 'utf8')).toContain(
      parts.mariadb.database.password,
    );
  });

  it('answers bad input with a JSON 4xx, never a PHP message', async () => {
    for (const [path, init] of [
      ['/local/api/order.php?id=abc', undefined],
      ['/local/api/order.php?id=999999', undefined],
      ['/local/api/checkout.php', { method: 'POST', body: '{not json' }],
      ['/local/api/checkout.php', { method: 'POST', body: '{"items": "x"}' }],
      ['/local/api/checkout.php', { method: 'GET' }],
      ['/local/api/refund.php', { method: 'GET' }],
      ['/local/api/refund.php', { method: 'POST', body: '{not json' }],
      ['/local/api/refund.php', { method: 'POST', body: '{"orderId": "x", "amount": 1}' }],
      ['/local/api/refund.php', { method: 'POST', body: '{"orderId": 1, "amount": -5}' }],
      ['/local/api/refund.php', { method: 'POST', body: '{"orderId": 999999, "amount": 1}' }],
    ] as const) {
      const response = await fetch(`${parts.stub.url}${path}`, init);
      const text = await response.text();
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(text).not.toMatch(/Warning|Fatal|Stack trace|\.php on line/);
      expect(JSON.parse(text)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    }
  });
});
