import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RISK_RULES, riskRules } from '#model/risk-rules';
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
});
