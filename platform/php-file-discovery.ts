/**
 * The certificate, key and CA files a team's PHP names by absolute path (`CURLOPT_SSLCERT =>
 * '/home/bitrix/kaspi_certificates/prod/cert.pem'`, or a directory constant and a file name), found by
 * reading the sources, so that the run provides them from test material without a harness-files.json.
 * Only paths under /home/ can be provided (the sandbox's home tree); a PKCS#12 bundle cannot be made
 * and is left to harness-files.json.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { HarnessFilesConfig } from './php-files.ts';

type FileSpec = HarnessFilesConfig['files'][number];

const certificateName = /\.(pem|crt|cer|key)$/i;
const caName = /(^|[/_.-])(ca|cacert|ca-bundle|ca_bundle|chain|root)([_.-]|$)/i;
/** Combinations of directory constants and file names tried per source file, at most. */
const maxCombinations = 32;

/**
 * What a path will hold: the server CA, a key, a certificate (.crt, .cer), or for a .pem of neither
 * kind a certificate followed by its key (it serves as either).
 */
export function generatedFor(path: string): NonNullable<FileSpec['generate']> {
  const name = posix.basename(path);
  if (caName.test(name)) return 'ca-cert';
  if (/key/i.test(name)) return 'client-key';
  if (/\.(crt|cer)$/i.test(name)) return 'client-cert';
  return 'client-pem';
}

function literals(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/'([^'\\\n]{1,300})'|"([^"\\$\n]{1,300})"/g))
    found.push(match[1] ?? match[2]!);
  return found;
}

const providable = (path: string): boolean =>
  posix.isAbsolute(path) && posix.normalize(path) === path && path.startsWith('/home/');

/** The files one PHP source names: whole paths, and directory constants joined to file names. */
export function certificatePathsIn(source: string): string[] {
  const strings = literals(source);
  const paths = new Set(strings.filter((text) => providable(text) && certificateName.test(text)));
  const dirs = strings.filter((text) => providable(text) && !certificateName.test(text) && !/\s/.test(text));
  const names = strings.filter((text) => /^\/?[\w.-]+$/.test(text) && certificateName.test(text));
  let combined = 0;
  for (const dir of dirs)
    for (const name of names) {
      if (combined++ >= maxCombinations) break;
      const path = posix.join(dir, name.replace(/^\//, ''));
      if (providable(path)) paths.add(path);
    }
  return [...paths].sort();
}

async function phpFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.php'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** harness-files.json entries for what the team's classes (and init.php) name; one client identity. */
export async function discoverCertificateFiles(sources: {
  phpClassesDir?: string;
  phpInitFile?: string;
}): Promise<FileSpec[]> {
  const files = [
    ...(sources.phpClassesDir ? await phpFiles(sources.phpClassesDir) : []),
    ...(sources.phpInitFile ? [sources.phpInitFile] : []),
  ];
  const paths = new Set<string>();
  for (const file of files)
    for (const path of certificatePathsIn(await readFile(file, 'utf8'))) paths.add(path);
  return [...paths].map((path) => ({ path, generate: generatedFor(path) }));
}
