import { describe, expect, it } from 'vitest';
import { fallbackOrganization, sellers } from '../../fixtures/organizations.ts';
import { judge } from './verdict.ts';

const [eileen, vlvt] = sellers as [(typeof sellers)[0], (typeof sellers)[0]];
const landedOn = (org: { bin: string; deviceToken: string }) => ({
  organizationBin: org.bin,
  deviceToken: org.deviceToken,
  qrPaymentId: 1,
  amount: 1000,
});

describe('routing verdict', () => {
  it("is correct only on the seller's BIN with the seller's token", () => {
    const result = judge({
      seller: eileen,
      fallback: fallbackOrganization,
      expectation: 'seller',
      landed: landedOn(eileen),
    });
    expect(result).toMatchObject({ verdict: 'correct', passed: true, expectedBin: eileen.bin });
  });

  it("calls another seller's BIN astray and fails", () => {
    const result = judge({
      seller: eileen,
      fallback: fallbackOrganization,
      expectation: 'seller',
      landed: landedOn(vlvt),
    });
    expect(result).toMatchObject({ verdict: 'astray', passed: false });
    expect(result.reason).toContain(vlvt.bin);
  });

  it('marks the fallback BIN as diverted: a failure when the seller was expected', () => {
    const landed = landedOn(fallbackOrganization);
    expect(
      judge({ seller: eileen, fallback: fallbackOrganization, expectation: 'seller', landed }),
    ).toMatchObject({
      verdict: 'diverted',
      passed: false,
    });
    expect(
      judge({ seller: eileen, fallback: fallbackOrganization, expectation: 'fallback', landed }),
    ).toMatchObject({
      verdict: 'diverted',
      passed: true,
    });
  });

  it("fails the right BIN with another organization's token", () => {
    const landed = { ...landedOn(eileen), deviceToken: vlvt.deviceToken };
    expect(
      judge({ seller: eileen, fallback: fallbackOrganization, expectation: 'seller', landed }),
    ).toMatchObject({
      verdict: 'astray',
      passed: false,
    });
  });

  it('reports a payment that was never made as not paid', () => {
    const result = judge({
      seller: eileen,
      fallback: fallbackOrganization,
      expectation: 'seller',
      landed: null,
    });
    expect(result).toMatchObject({ verdict: 'not-paid', passed: false });
  });
});
