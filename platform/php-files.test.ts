/**
 * Materialised files: a config names files at absolute /home paths, the harness fills them with test
 * material (a client certificate and its key that belong together, the CA), and writes them under the
 * run's home tree only.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useParts } from './testing.ts';
import { assemble } from './lifecycle.ts';
import { scratchDir } from './run-dir.ts';
import { loadHarnessFiles, resolveMaterializedFiles, writeMaterializedFiles } from './php-files.ts';
import { createRunAuthorities } from './tls/ca.ts';

const parts = useParts(
  assemble()
    .with('dir', () => scratchDir('kh-php-files-'))
    .value('authorities', () => createRunAuthorities()),
);

const config = (files: unknown[]): string => {
  const file = join(parts.dir.path, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ files }));
  return file;
};

describe('harness files', () => {
  it("provides, undeclared, the certificate and key a team's class names by path: a matching pair", async () => {
    await using teamDir = await scratchDir('kh-team-classes-');
    const team = teamDir.path;
    const classes = join(team, 'Integration', 'Kaspi');
    mkdirSync(classes, { recursive: true });
    writeFileSync(
      join(classes, 'ApiClient.php'),
      `<?php\nconst CERT = '/home/bitrix/kaspi_certificates/prod/cert.pem';\nconst KEY = '/home/bitrix/kaspi_certificates/prod/key.pem';\n`,
    );
    const lines: string[] = [];
    const files = await resolveMaterializedFiles({
      authorities: parts.authorities,
      phpClassesDir: team,
      log: (line) => lines.push(line),
    });
    const byPath = new Map(files.map((file) => [file.path, file.content]));
    // A file named for a certificate holds the certificate and its key (it serves as either).
    const pem = String(byPath.get('/home/bitrix/kaspi_certificates/prod/cert.pem'));
    const cert = new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));
    const key = createPrivateKey(byPath.get('/home/bitrix/kaspi_certificates/prod/key.pem')!);
    expect(cert.checkPrivateKey(key), 'the key belongs to the certificate').toBe(true);
    expect(cert.verify(new X509Certificate(parts.authorities.partner.certPem).publicKey)).toBe(true);
    expect(byPath.has('/home/bitrix/kaspi_certificates/client.crt'), 'the reference defaults too').toBe(true);
    // OpenSSL (what curl loads it with) reads both the certificate and the key from the one file.
    const onDisk = join(team, 'cert.pem');
    writeFileSync(onDisk, pem);
    for (const tool of [
      ['x509', '-noout', '-in', onDisk],
      ['pkey', '-noout', '-in', onDisk],
    ])
      expect(spawnSync('openssl', tool).status, `openssl ${tool[0]}`).toBe(0);
    expect(lines.join('\n')).toContain('/home/bitrix/kaspi_certificates/prod/cert.pem');
  });

  it("generates a client certificate and key that match, signed by Kaspi's partner CA; the CA file is the server CA", async () => {
    const files = await loadHarnessFiles(
      config([
        {
          path: '/home/bitrix/kaspi_certificates/c.pem',
          generate: 'client-cert',
          commonName: 'team partner',
        },
        { path: '/home/bitrix/kaspi_certificates/k.pem', generate: 'client-key', commonName: 'team partner' },
        { path: '/home/bitrix/kaspi_certificates/ca.pem', generate: 'ca-cert' },
        { path: '/home/bitrix/.env', content: 'X=1\n', mode: 0o600 },
      ]),
      parts.authorities,
    );
    const cert = new X509Certificate(files[0]!.content);
    expect(cert.subject).toBe('CN=team partner');
    expect(cert.verify(new X509Certificate(parts.authorities.partner.certPem).publicKey)).toBe(true);
    expect(cert.verify(new X509Certificate(parts.authorities.server.certPem).publicKey)).toBe(false);
    expect(files[2]!.content).toBe(parts.authorities.server.certPem);
    const publicOfKey = createPublicKey(createPrivateKey(files[1]!.content)).export({
      format: 'pem',
      type: 'spki',
    });
    expect(cert.publicKey.export({ format: 'pem', type: 'spki' })).toBe(publicOfKey);
    expect(files.map((f) => f.mode)).toEqual([0o644, 0o600, 0o644, 0o600]);

    const home = join(parts.dir.path, 'home');
    const written = await writeMaterializedFiles(home, files);
    expect(written[3]).toBe(join(home, 'bitrix/.env'));
    expect(readFileSync(written[3]!, 'utf8')).toBe('X=1\n');
    expect(statSync(written[1]!).mode & 0o777).toBe(0o600);
  });

  it('refuses paths outside /home, traversal, and specs that are not exactly one kind', async () => {
    await expect(
      loadHarnessFiles(config([{ path: '/etc/passwd', content: 'x' }]), parts.authorities),
    ).rejects.toThrow(/under \/home/);
    await expect(
      loadHarnessFiles(config([{ path: '/home/../etc/x', content: 'x' }]), parts.authorities),
    ).rejects.toThrow(/under \/home/);
    await expect(
      loadHarnessFiles(
        config([{ path: '/home/bitrix/x', content: 'x', generate: 'ca-cert' }]),
        parts.authorities,
      ),
    ).rejects.toThrow(/exactly one/);
    await expect(
      writeMaterializedFiles(join(parts.dir.path, 'home'), [{ path: '/home/../../x', content: 'x' }]),
    ).rejects.toThrow();
  });

  it('without a config, provides what the reference ApiClient opens', async () => {
    const files = await resolveMaterializedFiles({
      authorities: parts.authorities,
      phpClassesDir: parts.dir.path,
    });
    expect(files.map((f) => f.path)).toEqual([
      '/home/bitrix/kaspi_certificates/client.crt',
      '/home/bitrix/kaspi_certificates/client.key',
    ]);
    await expect(
      resolveMaterializedFiles({
        authorities: parts.authorities,
        configFile: join(parts.dir.path, 'missing.json'),
      }),
    ).rejects.toThrow(/does not exist/);
  });
});
