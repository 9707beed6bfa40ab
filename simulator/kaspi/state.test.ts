import { describe, expect, it } from 'vitest';
import { sellers } from '../../fixtures/organizations.ts';
import { Journal } from './journal.ts';
import { sellerAt } from './test-helpers.ts';
import { KaspiState, isValidAmount } from './state.ts';
import { kaspiDate, manualClock } from '../shared/clock.ts';
import type { JournalEntry } from './types.ts';

const org = sellerAt(0);

function stateWithClock() {
  const clock = manualClock(Date.UTC(2024, 4, 1, 5, 30, 0));
  const state = new KaspiState({ organizations: sellers, now: clock });
  const create = () => {
    const outcome = state.createPurchase('qr', 'r3', {
      deviceToken: org.deviceToken,
      amount: 10,
      organizationBin: org.bin,
    });
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value;
  };
  return { clock, state, create };
}

describe('KaspiState', () => {
  it('prints Kaspi dates with a ±HH:MM offset and expires the QR after 180 s', () => {
    const { create } = stateWithClock();
    const created = create();
    expect(created.purchase.createdAt).toBe('2024-05-01T11:30:00+06:00');
    expect(created.expireDate).toBe('2024-05-01T11:33:00+06:00');
    expect(kaspiDate(Date.UTC(2020, 0, 16, 4, 30), 360)).toBe('2020-01-16T10:30:00+06:00');
  });

  it('turns an unscanned purchase into Error after QrCodeScanWaitTimeout', () => {
    const { clock, state, create } = stateWithClock();
    const id = create().purchase.qrPaymentId;
    clock.advance(179_000);
    expect(state.status(id)).toEqual({ ok: true, value: 'QrTokenCreated' });
    clock.advance(1_000);
    expect(state.status(id)).toEqual({ ok: true, value: 'Error' });
    expect(state.emulate('scan', id)).toMatchObject({ ok: false, statusCode: -99000011 });
  });

  it('cancels a scanned purchase not confirmed within PaymentConfirmationTimeout', () => {
    const { clock, state, create } = stateWithClock();
    const id = create().purchase.qrPaymentId;
    clock.advance(100_000);
    expect(state.emulate('scan', id).ok).toBe(true);
    clock.advance(64_000);
    expect(state.status(id)).toEqual({ ok: true, value: 'Wait' });
    clock.advance(1_000);
    expect(state.status(id)).toEqual({ ok: true, value: 'Error' });
    expect(state.ledger().find((row) => row.organizationBin === org.bin)).toMatchObject({ pendingAmount: 0 });
  });

  it('keeps ids growing across reset so stale ids never point at new purchases', () => {
    const { state, create } = stateWithClock();
    const before = create().purchase.qrPaymentId;
    state.reset();
    expect(state.status(before)).toMatchObject({ ok: false, statusCode: -1601 });
    expect(create().purchase.qrPaymentId).toBeGreaterThan(before);
  });

  it('can relax the r3 BIN ownership check, still landing money on the owner', () => {
    const other = sellerAt(1);
    const state = new KaspiState({ organizations: sellers, requireBinOwnsDevice: false });
    const outcome = state.createPurchase('qr', 'r3', {
      deviceToken: org.deviceToken,
      amount: 5,
      organizationBin: other.bin,
    });
    expect(outcome.ok && outcome.value.purchase.organizationBin).toBe(org.bin);
  });

  it.each([
    [100, true],
    [0.01, true],
    [1e9, true],
    [0, false],
    [-1, false],
    [1e9 + 1, false],
    [1.001, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ['100', false],
  ])('isValidAmount(%j) is %s', (amount, expected) => {
    expect(isValidAmount(amount)).toBe(expected);
  });
});

describe('Journal', () => {
  const entry = (path: string): JournalEntry => ({
    time: '2024-05-01T00:00:00.000Z',
    scheme: 'r3',
    method: 'GET',
    path,
    organizationBin: null,
    deviceToken: null,
    tradePointId: null,
    httpStatus: 200,
    statusCode: 0,
    latencyMs: 1,
  });

  it('keeps the newest entries in order when it wraps', () => {
    const journal = new Journal(3);
    for (let i = 0; i < 7; i += 1) journal.record(entry(`/p${i}`));
    expect(journal.entries().map((e) => e.path)).toEqual(['/p4', '/p5', '/p6']);
    expect(journal.size).toBe(3);
    expect(journal.total).toBe(7);
    expect(journal.entries({ limit: 1 }).map((e) => e.path)).toEqual(['/p6']);
    expect(journal.entries({ limit: 0 })).toEqual([]);
    journal.clear();
    expect(journal.entries()).toEqual([]);
  });
});
