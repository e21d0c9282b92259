import { afterEach, describe, expect, it } from 'vitest';
import { config, resetConfigForTests } from '#platform/config';

const saved = { ...process.env };

/** The environment of a fresh Lambda container: only what Lambda sets, plus `vars`. */
function withEnvironment(vars: Record<string, string>) {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, { AWS_REGION: 'us-east-1', ...vars });
  resetConfigForTests();
}

afterEach(() => {
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, saved);
  resetConfigForTests();
});

describe('config(): the environment, parsed once', () => {
  it('fills every unset variable with its default', () => {
    withEnvironment({});
    const env = config();
    expect(env.STAGE).toBe('local');
    expect(env.PSP_TIMEOUT_MS).toBe(8000);
    expect(env.PSP_PROVIDER).toBe('pagoefectivo');
    expect(env.WEBHOOK_RETRY_SCHEDULE_SECONDS).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(env.REMINDER_LEAD_MINUTES).toEqual([360]);
    expect(env.RISK_REVIEW_REQUIRED).toBe(true);
    expect(env.REFUND_OVERDUE_DAYS).toBe(3);
    expect(env.TABLE_NAME).toBeUndefined();
    expect(env.PUBLIC_BASE_URL).toBeUndefined();
    expect(env.PAGOEFECTIVO_BASE_URL).toBe('https://pre1a.services.pagoefectivo.pe');
  });

  it('reads what the deployment set: numbers, lists, flags, URLs (trailing slashes trimmed)', () => {
    withEnvironment({
      STAGE: 'prod',
      TABLE_NAME: 'orders-prod',
      PSP_TIMEOUT_MS: '2500',
      WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,2,3',
      REMINDER_LEAD_MINUTES: '',
      RISK_REVIEW_REQUIRED: 'false',
      PUBLIC_BASE_URL: 'https://pay.example.pe/prod//',
      PSP_PROVIDER: 'dlocal',
    });
    const env = config();
    expect(env).toMatchObject({
      STAGE: 'prod',
      TABLE_NAME: 'orders-prod',
      PSP_TIMEOUT_MS: 2500,
      WEBHOOK_RETRY_SCHEDULE_SECONDS: [1, 2, 3],
      REMINDER_LEAD_MINUTES: [],
      RISK_REVIEW_REQUIRED: false,
      PUBLIC_BASE_URL: 'https://pay.example.pe/prod',
      PSP_PROVIDER: 'dlocal',
    });
  });

  it('refuses a malformed value by its name', () => {
    withEnvironment({ PSP_TIMEOUT_MS: '12.5' });
    expect(() => config()).toThrow(/Invalid environment[\s\S]*PSP_TIMEOUT_MS/);
    withEnvironment({ WEBHOOK_RETRY_SCHEDULE_SECONDS: '5,,300' });
    expect(() => config()).toThrow(/WEBHOOK_RETRY_SCHEDULE_SECONDS/);
    withEnvironment({ PUBLIC_BASE_URL: 'not a url' });
    expect(() => config()).toThrow(/PUBLIC_BASE_URL/);
    withEnvironment({ PSP_SEARCH_BATCH_SIZE: '101' });
    expect(() => config()).toThrow(/PSP_SEARCH_BATCH_SIZE/);
    withEnvironment({ PSP_PROVIDER: 'stripe' });
    expect(() => config()).toThrow(/PSP_PROVIDER: expected one of pagoefectivo, dlocal/);
    withEnvironment({ RISK_REVIEW_REQUIRED: 'yes' });
    expect(() => config()).toThrow(/RISK_REVIEW_REQUIRED/);
  });

  it('refuses a blank number instead of reading it as 0', () => {
    withEnvironment({ EXPIRY_GRACE_SECONDS: ' ' });
    expect(() => config()).toThrow(/EXPIRY_GRACE_SECONDS: expected a number/);
    withEnvironment({ REFUND_OVERDUE_DAYS: '' });
    expect(() => config()).toThrow(/REFUND_OVERDUE_DAYS/);
  });

  it('names every wrong variable in one error, so one deployment fixes them all', () => {
    withEnvironment({ PSP_TIMEOUT_MS: '0', DYNAMODB_ENDPOINT: 'http//localhost:8000', STAGE: '' });
    let message = '';
    try {
      config();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(
      message.split('\n').map((line) => line.replace(/^Invalid environment: /, '').split(':')[0]),
    ).toEqual(['STAGE', 'PSP_TIMEOUT_MS', 'DYNAMODB_ENDPOINT']);
  });

  it('refuses an environment without AWS_REGION, and an access key without its secret', () => {
    withEnvironment({});
    delete process.env.AWS_REGION;
    expect(() => config()).toThrow(/AWS_REGION/);
    withEnvironment({ PAGOEFECTIVO_ACCESS_KEY: 'ak' });
    expect(() => config()).toThrow(/PAGOEFECTIVO_ACCESS_KEY given without PAGOEFECTIVO_SECRET_KEY/);
    withEnvironment({ PAGOEFECTIVO_ACCESS_KEY: 'ak', PAGOEFECTIVO_SECRET_KEY: 'sk' });
    expect(config().PAGOEFECTIVO_ACCESS_KEY).toBe('ak');
  });
});
