/**
 * The sandbox container's pure decisions: where PHP finds the proxy in each network mode and how
 * its relays reach MariaDB. The container itself is exercised by docker.test.ts
 * (KASPI_HARNESS_DOCKER_TESTS=1).
 */
import { describe, expect, it } from 'vitest';
import { bitrixRelays, egressUrlFor } from './sandbox-service.ts';
import { defaultPorts } from './settings.ts';

describe('sandbox service settings', () => {
  it('points PHP at the proxy on its own loopback, and relays to MariaDB by service name on the project network', () => {
    expect(egressUrlFor({ egress: 41000 })).toBe('http://127.0.0.1:41000');
    const egress = { acceptConnection: () => undefined };
    const mariadb = (mode: 'host' | 'bridge') =>
      bitrixRelays(mode, defaultPorts, egress).find((r) => r.socketPath.endsWith('/mariadb.sock'));
    expect(mariadb('host')).toMatchObject({ host: '127.0.0.1', port: 33061 });
    expect(mariadb('bridge')).toMatchObject({ host: 'mariadb', port: 33061 });
    expect(bitrixRelays('bridge', defaultPorts, egress).map((r) => `${r.kind} ${r.socketPath}`)).toEqual([
      'unix-served /run/kh-sockets/egress.sock',
      'unix-to-tcp /run/kh-sockets/mariadb.sock',
      'tcp-to-unix /run/kh-sockets/bitrix-http.sock',
    ]);
  });
});
