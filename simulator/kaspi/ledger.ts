/**
 * Running balance per organization BIN, in tiyn. It is moved by events (a payment credits, a refund
 * debits) and never recomputed from the purchases, so comparing it with the purchases' own sums is
 * a real check that money is conserved, not a tautology.
 */
export class Ledger {
  private balances = new Map<string, number>();

  credit(organizationBin: string, cents: number): void {
    this.balances.set(organizationBin, this.balance(organizationBin) + cents);
  }

  debit(organizationBin: string, cents: number): void {
    this.balances.set(organizationBin, this.balance(organizationBin) - cents);
  }

  balance(organizationBin: string): number {
    return this.balances.get(organizationBin) ?? 0;
  }

  clear(): void {
    this.balances = new Map();
  }
}
