/**
 * Files a team's integration code expects at absolute production paths (the Kaspi client
 * certificate and key, say), materialised under the run's home tree with harness-generated test
 * material. Declared in a JSON file next to the team's classes:
 *
 *   { "files": [
 *     { "path": "/home/bitrix/kaspi_certificates/client.crt", "generate": "client-cert" },
 *     { "path": "/home/bitrix/kaspi_certificates/client.key", "generate": "client-key" },
 *     { "path": "/home/bitrix/kaspi_certificates/ca.pem", "generate": "ca-cert" },
 *     { "path": "/home/bitrix/.kaspi.env", "content": "KASPI_ENV=test\n", "mode": 384 }
 *   ] }
 *
 * Client certificates come from Kaspi's partner CA, as Kaspi issues them; `ca-cert` is the run's
 * server CA, the one Kaspi's and Railway's certificates chain to. Generated keys are unencrypted PKCS#8, which libcurl loads whatever CURLOPT_SSLKEYPASSWD says, so
 * the team's passphrase handling runs unmodified. `source` copies a file (relative to the config).
 */
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { z } from 'zod';
import { discoverCertificateFiles } from './php-file-discovery.ts';
import { issueClientCertificate, type IssuedCertificate, type RunAuthorities } from './tls/ca.ts';

export interface MaterializedFile {
  /** Absolute path as the code sees it; must be under /home/. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

const generated = ['client-cert', 'client-key', 'client-pem', 'ca-cert'] as const;

const fileSpec = z
  .object({
    path: z.string().refine((p) => isAbsolute(p) && normalize(p) === p && p.startsWith('/home/'), {
      message: 'must be a normalised absolute path under /home/',
    }),
    mode: z.number().int().min(0).max(0o777).optional(),
    generate: z.enum(generated).optional(),
    /** Subject CN of the generated client certificate (one certificate per CN, cert and key match). */
    commonName: z.string().min(1).max(64).optional(),
    content: z.string().optional(),
    source: z.string().optional(),
  })
  .refine((f) => [f.generate, f.content, f.source].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of generate, content, source',
  });

export const harnessFilesSchema = z.object({ files: z.array(fileSpec).max(100) });
export type HarnessFilesConfig = z.infer<typeof harnessFilesSchema>;

export const defaultClientCommonName = 'kaspi-harness partner';

/** Turns a config into file contents, issuing client certificates from Kaspi's partner CA. */
export async function materializeHarnessFiles(
  config: HarnessFilesConfig,
  authorities: RunAuthorities,
  baseDir: string,
): Promise<MaterializedFile[]> {
  const clients = new Map<string, Promise<IssuedCertificate>>();
  const client = (cn: string): Promise<IssuedCertificate> => {
    if (!clients.has(cn)) clients.set(cn, issueClientCertificate(authorities.partner, cn));
    return clients.get(cn)!;
  };
  const files: MaterializedFile[] = [];
  for (const spec of config.files) {
    const cn = spec.commonName ?? defaultClientCommonName;
    let content: string | Buffer;
    let keyMaterial = false;
    switch (spec.generate) {
      case 'client-cert':
        content = (await client(cn)).certPem;
        break;
      case 'client-key':
        content = (await client(cn)).keyPem;
        keyMaterial = true;
        break;
      case 'client-pem':
        // One PEM after the other, each on its own lines (OpenSSL refuses an END glued to a BEGIN).
        content =
          [(await client(cn)).certPem, (await client(cn)).keyPem].map((pem) => pem.trimEnd()).join('\n') +
          '\n';
        keyMaterial = true;
        break;
      case 'ca-cert':
        content = authorities.server.certPem;
        break;
      default:
        content = spec.content ?? (await readFile(resolve(baseDir, spec.source!)));
    }
    files.push({ path: spec.path, content, mode: spec.mode ?? (keyMaterial ? 0o600 : 0o644) });
  }
  return files;
}

/** Reads and validates a harness-files JSON file; relative `source` paths resolve next to it. */
export async function loadHarnessFiles(
  configFile: string,
  authorities: RunAuthorities,
): Promise<MaterializedFile[]> {
  const parsed = harnessFilesSchema.safeParse(JSON.parse(await readFile(configFile, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${configFile}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return materializeHarnessFiles(parsed.data, authorities, dirname(resolve(configFile)));
}

/** What the reference ApiClient reads by default: client.crt / client.key under kaspi_certificates. */
const referenceCertificates: HarnessFilesConfig['files'] = [
  { path: '/home/bitrix/kaspi_certificates/client.crt', generate: 'client-cert' },
  { path: '/home/bitrix/kaspi_certificates/client.key', generate: 'client-key' },
];

/** Writes the files under the run's home tree (`/home/x` → `<hostHome>/x`); returns the host paths. */
export async function writeMaterializedFiles(
  hostHome: string,
  files: readonly MaterializedFile[],
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const visible = normalize(file.path);
    if (!visible.startsWith('/home/') || visible !== file.path) {
      throw new Error(`materialised file ${file.path}: only normalised paths under /home/ can be provided`);
    }
    const hostPath = join(hostHome, visible.slice('/home/'.length));
    await mkdir(dirname(hostPath), { recursive: true, mode: 0o755 });
    const mode = file.mode ?? 0o644;
    await writeFile(hostPath, file.content, { mode });
    await chmod(hostPath, mode);
    written.push(hostPath);
  }
  return written;
}

export const harnessFilesConfigName = 'harness-files.json';

/** The declared config: an explicit file wins; else a team's classes dir may carry `harness-files.json`. */
async function declaredConfig(options: { phpClassesDir?: string; configFile?: string }) {
  const candidates = [
    options.configFile,
    options.phpClassesDir ? join(options.phpClassesDir, harnessFilesConfigName) : undefined,
  ];
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    try {
      await access(candidate);
      return candidate;
    } catch {
      if (candidate === options.configFile)
        throw new Error(`harness files config ${candidate} does not exist`);
    }
  }
  return undefined;
}

/**
 * The files for a run, in one call for stack wiring: what the declared config names; then, made from
 * test material without any declaration, the certificate, key and CA files the team's PHP names by
 * absolute path (php-file-discovery.ts) and the reference ApiClient's client.crt / client.key. A
 * declared path wins over a discovered one. `log` hears which files were provided undeclared.
 */
export async function resolveMaterializedFiles(options: {
  authorities: RunAuthorities;
  phpClassesDir?: string;
  phpInitFile?: string;
  configFile?: string;
  log?: (line: string) => void;
}): Promise<MaterializedFile[]> {
  const config = await declaredConfig(options);
  const declared = config ? await loadHarnessFiles(config, options.authorities) : [];
  const taken = new Set(declared.map((file) => file.path));
  const discovered = (await discoverCertificateFiles(options)).filter((spec) => !taken.has(spec.path));
  for (const spec of discovered) taken.add(spec.path);
  const defaults = referenceCertificates.filter((spec) => !taken.has(spec.path));
  if (discovered.length)
    options.log?.(
      `provided from test material, as the team's PHP names them: ${discovered.map((spec) => `${spec.path} (${spec.generate})`).join(', ')}`,
    );
  const generated = await materializeHarnessFiles(
    { files: [...discovered, ...defaults] },
    options.authorities,
    '.',
  );
  return [...declared, ...generated];
}
