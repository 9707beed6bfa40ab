/**
 * Property: whatever random sequence of operations runs (purchases on any scheme, scans, confirms,
 * errors, timeouts, refunds of any size from any device, remote invoices and cancellations), money
 * is conserved: for every BIN, processed − refunded == the running balance, no purchase is refunded
 * beyond its amount, and the balance matches an independent model kept by the test.
 */
import { describe, expect, it } from 'vitest';
import { allOrganizations } from '../../fixtures/organizations.ts';
import { seededRandom } from '../shared/random.ts';
import { KaspiState } from './state.ts';
import { manualClock } from '../shared/clock.ts';

const cents = (amount: number) => Math.round(amount * 100);
const orgs = allOrganizations.slice(0, 4);

function run(seed: number, steps: number): { refunds: number; payments: number } {
  let refunds = 0;
  let payments = 0;
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const clock = manualClock();
  const state = new KaspiState({ organizations: orgs, now: clock });
  const model = new Map<string, number>(orgs.map((org) => [org.bin, 0]));
  const ids: number[] = [];

  for (let step = 0; step < steps; step += 1) {
    const org = pick(orgs);
    // Mostly recent purchases, so scan → confirm → refund chains happen before the timeouts.
    const id = ids.length === 0 ? 1 : random() < 0.8 ? pick(ids.slice(-3)) : pick(ids);
    const action = Math.floor(random() * 9);
    if (action === 0 || action === 1) {
      const amount = Math.round(random() * 100_000) / 100 + 0.01;
      const created = state.createPurchase(pick(['qr', 'link'] as const), pick(['r1', 'r2', 'r3'] as const), {
        deviceToken: org.deviceToken,
        amount,
        organizationBin: org.bin,
      });
      if (created.ok) ids.push(created.value.purchase.qrPaymentId);
    } else if (action === 2) {
      const remote = state.createRemoteInvoice({
        scheme: 'r3',
        deviceToken: org.deviceToken,
        organizationBin: org.bin,
        amount: 10 + Math.floor(random() * 1000),
        phoneNumber: '7071234567',
        comment: null,
      });
      if (remote.ok) ids.push(remote.value.qrPaymentId);
    } else if (action === 3 || action === 4) {
      const before = state.purchase(id);
      // Usually the customer's next step, so purchases get paid; sometimes any transition.
      const next = before?.status === 'Wait' ? 'confirm' : 'scan';
      const transition =
        random() < 0.7 ? next : pick(['scan', 'confirm', 'scanerror', 'confirmerror'] as const);
      const done = state.emulate(transition, id);
      if (done.ok && done.value.status === 'Processed' && before?.status === 'Wait') {
        model.set(
          done.value.organizationBin,
          model.get(done.value.organizationBin)! + cents(done.value.amount),
        );
        payments += 1;
      }
    } else if (action === 5 || action === 6) {
      const purchase = state.purchase(id);
      // Usually the purchase's own device; sometimes another trade point's (must be refused).
      const device = purchase && random() < 0.8 ? orgs.find((o) => o.bin === purchase.organizationBin)! : org;
      const amount = purchase ? Math.round(random() * purchase.amount * 120) / 100 : 5;
      const refunded = state.refund({
        scheme: 'r3',
        deviceToken: device.deviceToken,
        organizationBin: device.bin,
        qrPaymentId: id,
        amount,
      });
      if (refunded.ok) {
        expect(purchase?.tradePointId).toBe(device.tradePointId);
        model.set(purchase!.organizationBin, model.get(purchase!.organizationBin)! - cents(amount));
        refunds += 1;
      }
    } else if (action === 7) {
      state.cancelRemoteInvoice({ deviceToken: org.deviceToken, organizationBin: org.bin, qrPaymentId: id });
    } else {
      clock.advance(Math.floor(random() * 60_000));
    }

    for (const row of state.ledger()) {
      const where = `seed ${seed}, step ${step}, BIN ${row.organizationBin}`;
      expect(cents(row.processedAmount) - cents(row.refundedAmount), where).toBe(cents(row.balance));
      expect(cents(row.balance), where).toBe(model.get(row.organizationBin) ?? 0);
      expect(row.balance, where).toBeGreaterThanOrEqual(0);
    }
    // Plain comparisons (expect() per purchase per step is what made this slow); one expect on failure.
    const refundedBy = new Map<number, number>();
    for (const r of state.refunds())
      refundedBy.set(r.qrPaymentId, (refundedBy.get(r.qrPaymentId) ?? 0) + cents(r.amount));
    for (const purchase of state.purchases()) {
      const sum = refundedBy.get(purchase.qrPaymentId) ?? 0;
      const broken =
        sum !== cents(purchase.refundedAmount) ||
        sum > cents(purchase.amount) ||
        (sum > 0 && purchase.status !== 'Processed');
      if (broken) expect({ seed, step, purchase, refundedTotal: sum }).toBeUndefined();
    }
  }
  return { refunds, payments };
}

describe('ledger conservation', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('holds for random operation sequences (seed %i)', (seed) => {
    const { refunds, payments } = run(seed, 300);
    // Not vacuous: money moved both ways.
    expect(payments).toBeGreaterThan(0);
    expect(refunds).toBeGreaterThan(0);
  });
});
