import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { expect, it } from 'vitest';
import { listening } from './listening.ts';
import { portAccepts } from './wait.ts';

it('listens on loopback, and stop() frees the port even while a client holds a connection open', async () => {
  const server = await listening(createServer(() => undefined));
  expect(server.server.address()).toMatchObject({ address: '127.0.0.1', port: server.port });
  const client = connect(server.port, '127.0.0.1');
  await once(client, 'connect');
  const closed = once(client, 'close');
  const stopping = server.stop();
  expect(server[Symbol.asyncDispose]()).toBe(stopping);
  await stopping;
  await closed;
  expect(await portAccepts(server.port)).toBe(false);
});

it('listens on the loopback address asked for', async () => {
  await using server = await listening(createServer(), { host: '127.0.0.2' });
  expect(server.server.address()).toMatchObject({ address: '127.0.0.2' });
});

it('fails to start on a port that is taken', async () => {
  await using first = await listening(createServer());
  await expect(listening(createServer(), { port: first.port })).rejects.toThrow(/EADDRINUSE/);
});
