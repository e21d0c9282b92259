import { describe, expect, it } from 'vitest';
import { isValidCulqiWebhookAuth } from '#psp/culqi/webhook-auth';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe("Culqi's webhook basic auth (decision 130)", () => {
  const withPair = { secretKey: 'sk_test_x', webhookUser: 'culqi', webhookPassword: 's3cret-pass' };

  it('accepts exactly the pair the stage sets', () => {
    expect(isValidCulqiWebhookAuth(withPair, basic('culqi', 's3cret-pass'))).toBe(true);
    expect(isValidCulqiWebhookAuth(withPair, basic('culqi', 's3cret-pasS'))).toBe(false);
    expect(isValidCulqiWebhookAuth(withPair, basic('other', 's3cret-pass'))).toBe(false);
    expect(isValidCulqiWebhookAuth(withPair, undefined)).toBe(false);
    expect(isValidCulqiWebhookAuth(withPair, '')).toBe(false);
    // The scheme's name is case-insensitive; the credentials are not.
    expect(isValidCulqiWebhookAuth(withPair, basic('culqi', 's3cret-pass').replace('Basic', 'basic'))).toBe(
      true,
    );
    expect(isValidCulqiWebhookAuth(withPair, `Bearer ${basic('culqi', 's3cret-pass').slice(6)}`)).toBe(false);
  });

  it('refuses everything when the stage sets no pair: Culqi signs nothing, so nothing else tells its posts apart', () => {
    const keyOnly = { secretKey: 'sk_test_x' };
    expect(isValidCulqiWebhookAuth(keyOnly, undefined)).toBe(false);
    expect(isValidCulqiWebhookAuth(keyOnly, basic('culqi', 'anything'))).toBe(false);
    expect(isValidCulqiWebhookAuth({ ...keyOnly, webhookUser: 'culqi' }, basic('culqi', ''))).toBe(false);
  });
});
