import { describe, expect, it } from 'vitest';
import { STAGE_CONFIG, STAGES } from '#lib/stage-config';
import { PayoutScheduleSchema } from '#model/payout-schedule';
import { settlementConfigSchema } from '#model/settlement-config';

// The stacks read the money rules' defaults from the contract (contract/stage-defaults.ts) and the
// functions fill an unset field from the same values (decision 119): what a stage writes is what a
// function without the setting would use.
describe('stage defaults', () => {
  it("are what the model's schemas fill in", () => {
    for (const stage of STAGES) {
      const { settlement, payoutSchedule } = STAGE_CONFIG[stage].money;
      expect(settlementConfigSchema().parse({})).toEqual(settlement);
      expect(PayoutScheduleSchema.parse({ weekday: payoutSchedule.weekday })).toEqual(payoutSchedule);
    }
  });
});
