/**
 * Throwaway certificate authorities for the harness, made at run time, so a client trusts exactly
 * that run's CAs and nothing private is ever committed: the run's server CA issues the certificates
 * of the Kaspi simulator's TLS listeners, the egress proxy and the payment-service; Kaspi's partner
 * CA issues the client certificates (`RunAuthorities`).
 *
 * ECDSA P-256 through WebCrypto and @peculiar/x509: generating the CA, a server and a client
 * certificate takes a few tens of milliseconds, cheap enough to do per simulator start.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

// webcrypto's CryptoKey and the DOM one @peculiar/x509 is typed against are the same objects.
const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const keyAlgorithm: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const signingAlgorithm: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const dayMs = 86_400_000;

export interface IssuedCertificate {
  certPem: string;
  /** PKCS#8 PEM. Never write it anywhere a commit could pick it up. */
  keyPem: string;
}

export interface CertificateAuthority extends IssuedCertificate {
  subject: string;
  /** Kept as a CryptoKey so issuing does not re-import the PEM every time. */
  readonly signingKey: CryptoKey;
}

export interface CertificateOptions {
  /** Validity in days from one hour ago (clock skew between processes). Default 30. */
  validDays?: number;
}

function serialNumber(): string {
  // Positive 64-bit serial: clear the top bit so ASN.1 does not read it as negative.
  const bytes = randomBytes(8);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(options: CertificateOptions): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return {
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + (options.validDays ?? 30) * dayMs),
  };
}

/** PEM armour lines (built, not spelled out, so no key-looking text sits in the repository). */
export const pkcs8Label = ['PRIVATE', 'KEY'].join(' ');
export const pemBoundary = (kind: 'BEGIN' | 'END', label: string) => `-----${kind} ${label}-----`;

async function keyPemOf(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `${pemBoundary('BEGIN', pkcs8Label)}\n${lines.join('\n')}\n${pemBoundary('END', pkcs8Label)}\n`;
}

const generateKeys = (): Promise<CryptoKeyPair> =>
  crypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

/**
 * The run's two authorities, as in production. `server` stands in for the public CA behind Kaspi's
 * and Railway's server certificates: PHP trusts it (curl.cainfo). `partner` is Kaspi's own CA, which
 * issues partners their client certificates and is what Kaspi's mutual-TLS listeners check them
 * against. Kept apart for a reason beyond fidelity: a listener whose client-certificate store also
 * holds the CA of its own certificate sends that CA along in every handshake (OpenSSL builds the
 * server's chain from that store), a certificate more for PHP to parse and a chain build more for
 * the listener, on every call.
 */
export interface RunAuthorities {
  server: CertificateAuthority;
  partner: CertificateAuthority;
}

export const partnerAuthorityName = 'Kaspi partner CA (kaspi-harness)';

export async function createRunAuthorities(): Promise<RunAuthorities> {
  const [server, partner] = await Promise.all([
    createCertificateAuthority(),
    createCertificateAuthority({ commonName: partnerAuthorityName }),
  ]);
  return { server, partner };
}

/** Certificate names are built from trusted strings only; escape DN specials anyway. */
const cn = (name: string): string => `CN=${name.replace(/([,+"\\<>;=])/g, '\\$1')}`;

export async function createCertificateAuthority(
  options: CertificateOptions & { commonName?: string } = {},
): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const subject = `${cn(options.commonName ?? 'kaspi-harness test CA')}, O=kaspi-harness`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subject,
    ...validity(options),
    keys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    keyPem: await keyPemOf(keys.privateKey),
    subject,
    signingKey: keys.privateKey,
  };
}

/**
 * The CA back from its two PEM files, for processes that did not create it: the docker stack makes
 * the run's CA in one container and the simulators in others issue from it (stack/docker/). The key
 * must be the PKCS#8 P-256 key `createCertificateAuthority` wrote.
 */
export async function loadCertificateAuthority(
  certPem: string,
  keyPem: string,
): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem);
  const begin = keyPem.indexOf(pemBoundary('BEGIN', pkcs8Label));
  const end = keyPem.indexOf(pemBoundary('END', pkcs8Label));
  if (begin < 0 || end < begin) throw new Error('loadCertificateAuthority: not a PKCS#8 PEM key');
  const body = keyPem.slice(begin + pemBoundary('BEGIN', pkcs8Label).length, end).replace(/\s+/g, '');
  const signingKey = await crypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), keyAlgorithm, true, [
    'sign',
  ]);
  // A key from another run would issue certificates nobody trusts: say so here, not at a handshake.
  const probe = randomBytes(32);
  const signature = await crypto.subtle.sign(signingAlgorithm, signingKey, probe);
  const publicKey = await cert.publicKey.export(keyAlgorithm, ['verify'], crypto);
  if (!(await crypto.subtle.verify(signingAlgorithm, publicKey, signature, probe)))
    throw new Error('loadCertificateAuthority: the key does not belong to the certificate');
  // Issued certificates name the CA by this string; it must be the certificate's own subject.
  return { certPem, keyPem, subject: cert.subject, signingKey };
}

async function issue(
  ca: CertificateAuthority,
  commonName: string,
  usage: x509.ExtendedKeyUsage,
  altNames: x509.JsonGeneralName[],
  options: CertificateOptions,
): Promise<IssuedCertificate> {
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([usage], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: cn(commonName),
    issuer: ca.subject,
    ...validity(options),
    publicKey: keys.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm,
    extensions,
  });
  return { certPem: cert.toString('pem'), keyPem: await keyPemOf(keys.privateKey) };
}

/** A TLS server certificate valid for every hostname or IP literal given (as SANs). */
export function issueServerCertificate(
  ca: CertificateAuthority,
  hostnames: readonly string[],
  options: CertificateOptions = {},
): Promise<IssuedCertificate> {
  if (hostnames.length === 0) throw new Error('issueServerCertificate needs at least one hostname');
  const altNames = hostnames.map((name): x509.JsonGeneralName => ({
    type: isIP(name) === 0 ? 'dns' : 'ip',
    value: name,
  }));
  return issue(ca, hostnames[0]!, x509.ExtendedKeyUsage.serverAuth, altNames, options);
}

/** A TLS client certificate (mutual TLS) with the given subject CN, e.g. a partner's name. */
export function issueClientCertificate(
  ca: CertificateAuthority,
  commonName: string,
  options: CertificateOptions = {},
): Promise<IssuedCertificate> {
  return issue(ca, commonName, x509.ExtendedKeyUsage.clientAuth, [], options);
}

/**
 * Writes PEM files (`{ 'ca.pem': ca.certPem, 'server-key.pem': key.keyPem }`) into `dir`, keys
 * (names containing `key`) readable by the owner only. Returns name → absolute path.
 */
export async function writePemFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths: Record<string, string> = {};
  for (const [name, pem] of Object.entries(files)) {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') {
      throw new Error(`writePemFiles: ${name} is not a plain file name`);
    }
    const path = join(dir, name);
    const mode = name.includes('key') ? 0o600 : 0o644;
    await writeFile(path, pem, { mode });
    await chmod(path, mode); // writeFile's mode only applies to new files
    paths[name] = path;
  }
  return paths;
}
