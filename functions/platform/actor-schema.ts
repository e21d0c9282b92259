import * as z from 'zod';
import { schema } from './schema';

/**
 * Who took a step (`requestedBy`, `history[].by`) in refund and payout answers: the API key and the
 * person behind it. One schema, so both resources describe an actor the same way in /openapi.json.
 */
export const ActorSchema = /* @__PURE__ */ schema(() =>
  z.object({
    keyId: z.string(),
    keyName: z.string(),
    principal: z.string().optional().meta({
      description:
        'The person or system holding the key (set when the key is issued). Maker-checker compares principals: two keys of one principal are one person. Absent on steps recorded before principals (the key id stood for the person).',
    }),
  }),
);
