/**
 * [cache] The guide's 1-hour config cache, seen from outside: the payment-service is asked once per
 * shop per TTL however many checkouts there are; the cached entry lives one hour; a BIN changed in
 * the payment-service takes effect once the entry expires (emulated two ways, named in each test:
 * the entry's stored expiry moved into the past — Bitrix's cache semantics — or the admin
 * panel's "clear cache"); and an outage inside the TTL does not divert money. The entry may live in
 * either of Bitrix's caches (bitrix-surface.md): Data\Cache under bitrix/cache or the managed cache
 * under bitrix/managed_cache — both are what "clear cache" empties, and the stub stores both alike.
 */
import { readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, type TaskMeta } from 'vitest';
import { sellers, type Seller } from '../fixtures/organizations.ts';
import { because, causes, type PaymentContext } from './support/causes.ts';
import { forEachSeller } from './support/each-seller.ts';
import { tracePayment } from './support/routing.ts';
import { basketFor, checkout } from '../simulator/bitrix/storefront-client.ts';
import { clearCache, resetStack, scenarioFile } from './support/suite.ts';

const { stack, faker, catalogue } = scenarioFile();
const cacheRoots = () =>
  ['cache', 'managed_cache'].map((dir) => join(stack.info.bitrix.documentRoot, 'bitrix', dir));

// Tests change configs and the service's state: back to the fixtures, service up, cold cache.
afterEach(() => resetStack(stack));

const configRequestsFor = async (shopId: number) =>
  (await stack.paymentService.requests()).filter(
    (entry) =>
      entry.method === 'GET' &&
      /\/payment\/config\?/.test(entry.path) &&
      entry.path.includes(`shop_id=${shopId}`),
  ).length;

/** Cache files (Data\Cache or managed cache, any init dir) whose cached vars hold this organization's BIN. */
function cacheFilesWith(bin: string): { file: string; expire: number }[] {
  const found: { file: string; expire: number }[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.tmp')) {
        const text = readFileSync(path, 'latin1');
        const expire = /s:6:"expire";i:(\d+);/.exec(text)?.[1];
        if (text.includes(bin) && expire) found.push({ file: path, expire: Number(expire) });
      }
    }
  };
  for (const root of cacheRoots()) walk(root);
  return found;
}

/** Moves a cache entry's stored expiry into the past: what an hour passing does to it. */
function expireEntry(file: string): void {
  const text = readFileSync(file, 'latin1');
  const past = Math.floor(Date.now() / 1000) - 1;
  writeFileSync(file, text.replace(/s:6:"expire";i:\d+;/, `s:6:"expire";i:${past};`), 'latin1');
}

const pay = (seller: Seller, task: { meta: TaskMeta }, scenario: string, context: PaymentContext = {}) =>
  tracePayment(stack, {
    scenario,
    seller,
    catalogue,
    faker,
    expectation: 'seller',
    meta: task.meta,
    context,
  });

/** The organization a seller's config is moved to: the next seller's Kaspi account. */
const movedTo = (seller: Seller): Seller => sellers[(sellers.indexOf(seller) + 1) % sellers.length] as Seller;

describe('[cache] one lookup per shop per TTL', () => {
  forEachSeller('%s: five checkouts ask the payment-service for the config once', async (seller, task) => {
    const before = await configRequestsFor(seller.shopId);
    for (let i = 0; i < 5; i++) {
      const { result } = await pay(seller, task, 'cache: repeated checkouts');
      expect(result.passed, `checkout ${i + 1}: ${result.reason}`).toBe(true);
    }
    const after = await configRequestsFor(seller.shopId);
    await because(task.meta, causes.lookupsNotCached(), () =>
      expect(after, 'config requests for this shop').toBe(before + 1),
    );
  });

  forEachSeller(
    '%s: the cached entry holds its BIN and expires one hour after it was written',
    async (seller, task) => {
      const written = Math.floor(Date.now() / 1000);
      const { result } = await pay(seller, task, 'cache: entry TTL');
      expect(result.passed, result.reason).toBe(true);
      const entries = cacheFilesWith(seller.bin);
      await because(task.meta, causes.cacheEntry(), () => {
        expect(entries, `a cache file under ${cacheRoots().join(' or ')} holds ${seller.bin}`).toHaveLength(
          1,
        );
        const ttl = (entries[0]?.expire ?? 0) - written;
        expect(ttl, 'stored expiry − write time (s)').toBeGreaterThanOrEqual(3600 - 5);
        expect(ttl).toBeLessThanOrEqual(3600 + 5);
      });
    },
  );
});

describe('[cache] a BIN changed in the payment-service', () => {
  async function changeBinAndProveCacheHolds(seller: Seller, task: { meta: TaskMeta }) {
    const { result } = await pay(seller, task, 'cache: BIN changed, inside TTL');
    expect(result.passed, result.reason).toBe(true);
    const target = movedTo(seller);
    await stack.paymentService.putConfig(seller.shopId, {
      organization_bin: target.bin,
      device_token: target.deviceToken,
    });
    // Inside the TTL the cached config still routes to the old BIN.
    const inside = await pay(seller, task, 'cache: BIN changed, inside TTL', {
      cache: 'warm',
      outage: 'BIN changed in the payment-service inside the TTL',
    });
    expect(inside.result.passed, inside.result.reason).toBe(true);
    return target;
  }

  async function expectMovedTo(seller: Seller, target: Seller, meta: TaskMeta): Promise<void> {
    const attempt = await checkout(stack.info.bitrix.url, {
      items: basketFor(seller, catalogue, faker),
      paymentMethod: 'qr',
      faker,
    });
    expect(attempt.body.ok, 'checkout after expiry').toBe(true);
    if (!attempt.body.ok) return;
    const purchase = await stack.kaspi.purchase(attempt.body.payment.qrPaymentId);
    await because(meta, causes.cacheOutlivesExpiry(), () => {
      expect(purchase?.organizationBin, 'the new BIN receives the money after expiry').toBe(target.bin);
      expect(purchase?.deviceToken).toBe(target.deviceToken);
    });
  }

  forEachSeller(
    '%s: takes effect once the entry’s stored expiry has passed (Bitrix cache TTL semantics)',
    async (seller, task) => {
      const target = await changeBinAndProveCacheHolds(seller, task);
      const entries = cacheFilesWith(seller.bin);
      await because(task.meta, causes.cacheEntry(), () =>
        expect(entries.length, 'the seller’s cached entry').toBeGreaterThan(0),
      );
      for (const entry of entries) expireEntry(entry.file);
      await expectMovedTo(seller, target, task.meta);
    },
  );

  forEachSeller('%s: takes effect after "clear cache" in the admin panel', async (seller, task) => {
    const target = await changeBinAndProveCacheHolds(seller, task);
    await clearCache(stack);
    await expectMovedTo(seller, target, task.meta);
  });
});

describe('[cache] an outage inside the TTL', () => {
  forEachSeller(
    '%s: payment-service down after a warm-up: still paid on its own BIN',
    async (seller, task) => {
      const { result } = await pay(seller, task, 'cache: outage inside TTL');
      expect(result.passed, result.reason).toBe(true);
      await stack.paymentService.down();
      const during = await pay(seller, task, 'cache: outage inside TTL', {
        cache: 'warm',
        outage: 'payment-service down',
      });
      expect(during.result.passed, during.result.reason).toBe(true);
      expect(during.result.verdict).toBe('correct');
    },
  );
});
