import { afterEach, describe, expect, it } from 'vitest';
import { amountIn, counts, DEFAULT_RISK_RULES, fires, riskRules } from '#model/risk-rules';
import { resetConfigForTests } from '#platform/config';

const saved = { RISK_RULES: process.env.RISK_RULES, AWS_REGION: process.env.AWS_REGION };

function withRiskRules(value: string | undefined) {
  process.env.AWS_REGION ??= 'us-east-1';
  if (value === undefined) delete process.env.RISK_RULES;
  else process.env.RISK_RULES = value;
  resetConfigForTests();
}

afterEach(() => {
  withRiskRules(saved.RISK_RULES);
  if (saved.AWS_REGION === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = saved.AWS_REGION;
  resetConfigForTests();
});

describe("riskRules(): the stage's rules", () => {
  it('are the defaults without RISK_RULES', () => {
    withRiskRules(undefined);
    expect(riskRules()).toBe(DEFAULT_RISK_RULES);
  });

  it("are RISK_RULES' rules, with the window's default filled in", () => {
    withRiskRules(JSON.stringify([{ id: 'ip-burst', dimension: 'ip', maxCount: 3, action: 'block' }]));
    expect(riskRules()).toEqual([
      { id: 'ip-burst', dimension: 'ip', window: 60, maxCount: 3, action: 'block' },
    ]);
  });

  it('refuse a malformed rule, naming what is wrong', () => {
    withRiskRules(JSON.stringify([{ id: 'no-limit', dimension: 'ip', action: 'flag' }]));
    expect(() => riskRules()).toThrow(/Invalid RISK_RULES: .*maxCount or maxAmount/);
    withRiskRules(JSON.stringify([{ id: 'x', dimension: 'shoe size', maxCount: 1, action: 'flag' }]));
    expect(() => riskRules()).toThrow(/Invalid RISK_RULES: 0\.dimension/);
  });

  it('take amounts per currency, a bare number being soles alone; an unknown currency is refused', () => {
    withRiskRules(
      JSON.stringify([
        { id: 'a', dimension: 'ip', minAmount: 50_000, maxCount: 2, action: 'flag' },
        { id: 'b', dimension: 'ip', maxAmount: { PEN: 1_000, USD: 300 }, action: 'flag' },
      ]),
    );
    const [soles, both] = riskRules();
    expect(amountIn(soles?.minAmount, 'PEN')).toBe(50_000);
    expect(amountIn(soles?.minAmount, 'USD')).toBeUndefined();
    expect(amountIn(both?.maxAmount, 'USD')).toBe(300);
    withRiskRules(JSON.stringify([{ id: 'c', dimension: 'ip', maxAmount: { EUR: 1 }, action: 'flag' }]));
    expect(() => riskRules()).toThrow(/Invalid RISK_RULES: 0\.maxAmount/);
  });
});

describe('a rule applied to an order in its own currency', () => {
  const rule = {
    id: 'r',
    dimension: 'ip' as const,
    window: 60,
    minAmount: { PEN: 50_000 },
    maxCount: 1,
    maxAmount: { PEN: 100_000, USD: 30_000 },
    action: 'flag' as const,
  };
  it('counts an order only at or above the minimum of its currency, and never one in a currency it names none for', () => {
    expect(counts(rule, 50_000, 'PEN')).toBe(true);
    expect(counts(rule, 49_999, 'PEN')).toBe(false);
    expect(counts(rule, 900_000, 'USD')).toBe(false);
  });
  it("compares the total with the limit of the order's currency", () => {
    expect(fires({ ...rule, maxCount: undefined }, { count: 1, amount: 40_000 }, 'USD')).toBe(true);
    expect(fires({ ...rule, maxCount: undefined }, { count: 1, amount: 40_000 }, 'PEN')).toBe(false);
    expect(fires(rule, { count: 2, amount: 0 }, 'USD')).toBe(true);
  });
});
