/**
 * The `header-block` fault: the right answer behind a header block of another size. On the wire:
 * Early Hints first, extra cookie bytes inside, the body untouched, the same bytes every time. With
 * PHP's own curl as the site runs it (through the egress proxy's SOCKS5 side to the r3 TLS listener,
 * client certificate and all): a client that takes the body from CURLINFO_HEADER_SIZE reads Kaspi's
 * answer as always; one that splits at the first blank line, or at the offset it saw before, does not.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { useParts } from '../../platform/testing.ts';
import { assemble } from '../../platform/lifecycle.ts';
import { scratchDir } from '../../platform/run-dir.ts';
import { defaultEgressRoutes } from '../../platform/egress/routes.ts';
import { startEgressProxy } from '../../platform/egress/proxy.ts';
import { writePemFiles } from '../../platform/tls/ca.ts';
import { ControlApiError } from '../../platform/http/control-client.ts';
import { KaspiControlClient } from './control-client.ts';
import { startKaspiSimulator } from './server.ts';
import { sellerAt, wireExchange } from './test-helpers.ts';

const execFileAsync = promisify(execFile);
const org = sellerAt(0);

const parts = useParts(
  assemble()
    .with('sim', () => startKaspiSimulator())
    .value('control', ({ sim }) => new KaspiControlClient(sim.controlUrl))
    .with('proxy', ({ sim }) => {
      const r3 = new URL(sim.listeners.r3);
      return startEgressProxy({
        routes: defaultEgressRoutes({ kaspi: { r3: { host: r3.hostname, port: Number(r3.port) } } }),
      });
    })
    .with('dir', () => scratchDir('kh-header-block-'))
    .value('pem', async ({ sim, dir }) => {
      const client = await sim.issueClientCertificate('header-block-test');
      return writePemFiles(dir.path, {
        'ca.pem': sim.ca.certPem,
        'client.crt': client.certPem,
        'client.key': client.keyPem,
      });
    }),
);
beforeEach(() => parts.control.reset());

const create = () => ({ DeviceToken: org.deviceToken, Amount: 250, OrganizationBin: org.bin });

describe('on the wire', () => {
  it('Early Hints before the answer, cookie bytes inside it, the answer itself unchanged', async () => {
    await parts.control.addFault({
      match: { path: 'qr/create' },
      fault: { kind: 'header-block', earlyHints: 2, extraBytes: 5000 },
      times: 1,
    });
    const faulted = await wireExchange(parts.sim.url, 'POST', '/r3/v01/qr/create', create());
    const plain = await wireExchange(parts.sim.url, 'POST', '/r3/v01/qr/create', create());

    expect(faulted.head.match(/^HTTP\/1\.1 \d{3} .*$/gm)).toEqual([
      'HTTP/1.1 103 Early Hints',
      'HTTP/1.1 103 Early Hints',
      'HTTP/1.1 200 OK',
    ]);
    const cookies = faulted.headers.filter(([name]) => name === 'Set-Cookie');
    const cookieBytes = cookies.reduce((sum, [name, value]) => sum + `${name}: ${value}\r\n`.length, 0);
    expect(cookieBytes).toBe(5000);
    expect(faulted.headers.filter(([name]) => name !== 'Set-Cookie')).toEqual(
      plain.headers.map(([name, value]) => [name, name === 'Date' ? expect.any(String) : value]),
    );
    expect(JSON.parse(faulted.body)).toMatchObject({
      StatusCode: 0,
      Data: { QrPaymentId: expect.any(Number) },
    });
    expect(plain.head).not.toMatch(/103|Set-Cookie/);

    const [entry] = await parts.control.journal({ path: 'qr/create', limit: 2 });
    expect(entry).toMatchObject({ fault: 'header-block', httpStatus: 200, statusCode: 0 });
  });

  it('the same bytes every time, Date aside', async () => {
    await parts.control.addFault({
      match: { path: 'health/ping' },
      fault: { kind: 'header-block' },
      times: 2,
    });
    const heads = await Promise.all(
      [1, 2].map(async () =>
        (await wireExchange(parts.sim.url, 'GET', '/r1/v01/health/ping')).head.replace(
          /^Date: .*$/m,
          'Date: -',
        ),
      ),
    );
    expect(heads[0]).toBe(heads[1]);
    expect(heads[0]).toMatch(/^HTTP\/1\.1 103 Early Hints\r\n/);
  });

  it('refuses options out of range, naming them', async () => {
    for (const fault of [
      { kind: 'header-block', earlyHints: 6 },
      { kind: 'header-block', extraBytes: -1 },
      { kind: 'header-block', cookies: 3 },
    ]) {
      const refused = await parts.control
        .addFault({ fault } as unknown as Parameters<typeof parts.control.addFault>[0])
        .catch((error: unknown) => error);
      expect(refused, JSON.stringify(fault)).toBeInstanceOf(ControlApiError);
    }
    expect(await parts.control.faults()).toEqual([]);
  });
});

/**
 * One qr/create as the site's PHP makes it (r3, client certificate, HTTPS_PROXY=socks5h://…), read
 * by three clients from the same CURLOPT_HEADER output.
 */
async function phpCreate(fixedOffset?: number): Promise<{
  errno: number;
  start: string;
  headerSize: number;
  bySize: unknown;
  firstBlankLine: unknown;
  atOffset: unknown;
}> {
  const code = `$ch = curl_init('https://qrapi-cert-ip.kaspi.kz/r3/v01/qr/create');
curl_setopt_array($ch, [
  CURLOPT_RETURNTRANSFER => true, CURLOPT_HEADER => true, CURLOPT_TIMEOUT => 10, CURLOPT_POST => true,
  CURLOPT_POSTFIELDS => $argv[1], CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
  CURLOPT_SSLCERT => $argv[2], CURLOPT_SSLKEY => $argv[3],
]);
$out = (string) curl_exec($ch);
$size = (int) curl_getinfo($ch, CURLINFO_HEADER_SIZE);
echo json_encode([
  'errno' => curl_errno($ch),
  'start' => strtok($out, "\\r"),
  'headerSize' => $size,
  'bySize' => json_decode(substr($out, $size), true),
  'firstBlankLine' => json_decode(explode("\\r\\n\\r\\n", $out, 2)[1] ?? '', true),
  'atOffset' => json_decode(substr($out, (int) $argv[4]), true),
]);`;
  const socks = parts.proxy.url.replace(/^http:/, 'socks5h:');
  const { stdout } = await execFileAsync(
    'php',
    [
      '-d',
      `curl.cainfo=${parts.pem['ca.pem']}`,
      '-r',
      code,
      JSON.stringify(create()),
      parts.pem['client.crt']!,
      parts.pem['client.key']!,
      String(fixedOffset ?? 0),
    ],
    { env: { PATH: process.env.PATH, HTTPS_PROXY: socks, https_proxy: socks } },
  );
  return JSON.parse(stdout) as Awaited<ReturnType<typeof phpCreate>>;
}

describe("with PHP's curl through the egress proxy", () => {
  it('CURLINFO_HEADER_SIZE slicing reads the answer under the fault; first-blank-line and fixed-offset slicing do not', async () => {
    // Without the fault: the output starts with Kaspi's status line, and all three read the answer.
    const before = await phpCreate();
    expect(before).toMatchObject({ errno: 0, start: 'HTTP/1.1 200 OK' });
    expect(before.bySize).toMatchObject({ StatusCode: 0 });
    expect(before.firstBlankLine).toEqual(before.bySize);
    const learned = await phpCreate(before.headerSize);
    expect(learned.atOffset, 'the offset learned from the first answer fits the next').toMatchObject({
      StatusCode: 0,
    });

    await parts.control.addFault({
      match: { path: 'qr/create', bin: org.bin },
      fault: { kind: 'header-block' },
      times: 1,
    });
    const faulted = await phpCreate(before.headerSize);
    expect(faulted).toMatchObject({ errno: 0, start: 'HTTP/1.1 103 Early Hints' });
    // curl counts the interim answer and the cookies in CURLINFO_HEADER_SIZE.
    expect(faulted.headerSize).toBeGreaterThan(before.headerSize + 2048);
    expect(faulted.bySize).toMatchObject({ StatusCode: 0, Data: { QrPaymentId: expect.any(Number) } });
    expect(faulted.firstBlankLine, 'the first blank line ends the 103, not the answer').toBeNull();
    expect(faulted.atOffset, 'the old offset now falls inside the cookies').toBeNull();

    // Kaspi did create every purchase, the faulted one included.
    const id = (faulted.bySize as { Data: { QrPaymentId: number } }).Data.QrPaymentId;
    expect(await parts.control.purchase(id)).toMatchObject({ organizationBin: org.bin, amount: 250 });
    expect(parts.proxy.unexpected()).toEqual([]);
  });
});
