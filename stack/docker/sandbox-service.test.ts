/**
 * The sandbox container's pure decisions: who owns the CA key, where PHP finds the proxy in each
 * network mode, and the extra payment-service hosts. The container itself is exercised by
 * docker.test.ts (KASPI_HARNESS_DOCKER_TESTS=1).
 */
import { describe, expect, it } from 'vitest';
import { bitrixRelays, egressUrlFor, hostList, ownerFrom } from './sandbox-service.ts';
import { defaultPorts } from './settings.ts';

describe('sandbox service settings', () => {
  it('gives the CA key to the harness user, and leaves root’s alone', () => {
    expect(ownerFrom({ KASPI_HARNESS_USER: '1000:1000' })).toEqual({ uid: 1000, gid: 1000 });
    expect(ownerFrom({ KASPI_HARNESS_USER: '0:0' })).toBeUndefined();
    expect(ownerFrom({})).toBeUndefined();
    expect(ownerFrom({ KASPI_HARNESS_USER: 'bitrix' })).toBeUndefined();
  });

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

  it('reads extra payment-service hosts from a comma-separated list', () => {
    expect(hostList(' pay.example.kz, ,api.shop.kz ')).toEqual(['pay.example.kz', 'api.shop.kz']);
    expect(hostList(undefined)).toEqual([]);
  });
});
