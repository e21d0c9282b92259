import { describe, expect, it } from 'vitest';
import { postWebhook } from '#outbound-webhooks/post-webhook';
import { endpointUrlProblems, guardedLookup, isForbiddenAddress } from '#outbound-webhooks/url-policy';

describe('webhook URL policy outside the local stage (SSRF)', () => {
  const refused = (url: string) => endpointUrlProblems(url, false).map((problem) => problem.field);

  it('accepts public https URLs', () => {
    expect(refused('https://hooks.marketplace.pe/pagoefectivo')).toEqual([]);
    expect(refused('https://93.184.216.34/hook')).toEqual([]);
  });

  it.each([
    'https://hooks.marketplace.pe/a\r\nX-Injected: 1',
    'https://hooks.market\r\nplace.pe/x',
    'https://hooks.marketplace.pe/\tx',
    'https://hooks.marketplace.pe/x\u0000',
    'https://hooks.marketplace.pe/x\u007f',
    'https://exa%0D%0Ample.pe/x',
    'https://exa%0amp%09le.pe/x',
    'https://a%00b.pe/x',
  ])('refuses control characters, raw or percent-encoded in the host, in every stage: %j', (url) => {
    expect(refused(url)).toEqual(['url']);
    expect(endpointUrlProblems(url, true).map((problem) => problem.field)).toEqual(['url']);
    expect(endpointUrlProblems(url, true)[0]?.message ?? '').toMatch(/Control characters|Not a URL/);
  });

  it('keeps percent-encoded controls in the path or query (they are data there, sent encoded)', () => {
    expect(refused('https://hooks.marketplace.pe/x%0D%0A?y=%09')).toEqual([]);
  });

  it('refuses plain http, credentials and non-URLs', () => {
    expect(refused('http://hooks.marketplace.pe/x')).toEqual(['url']);
    expect(refused('https://user:pw@hooks.marketplace.pe/x')).toEqual(['url']);
    expect(refused('hooks.marketplace.pe')).toEqual(['url']);
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://172.20.0.1/hook',
    'https://192.168.1.10/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[fd00:ec2::254]/hook',
    'https://[fe80::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://localhost/hook',
    'https://api.localhost/hook',
    'https://metadata.google.internal/hook',
    // Found by an outside fuzzer: the root's trailing dot, and IPv4 carried inside IPv6.
    'https://localhost./hook',
    'https://metadata.google.internal./hook',
    'https://[::7f00:1]/hook',
    'https://[::127.0.0.1]/hook',
    'https://[64:ff9b::a9fe:a9fe]/hook',
    'https://[2002:a9fe:a9fe::]/hook',
    'https://[2001:0:a9fe:a9fe::1]/hook',
    'https://[fec0::1]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
    'https://192.0.2.1/hook',
    'https://198.51.100.7/hook',
    'https://203.0.113.9/hook',
    'https://[2001:db8::1]/hook',
    'https://255.255.255.255/hook',
    'https://224.0.0.1/hook',
    'https://2130706433/hook',
    'https://0x7f.1/hook',
  ])('refuses %s', (url) => {
    expect(refused(url)).toEqual(['url']);
  });

  it('lets the local stage use http://127.0.0.1', () => {
    expect(endpointUrlProblems('http://127.0.0.1:4000/hook', true)).toEqual([]);
    expect(endpointUrlProblems('ftp://127.0.0.1/hook', true).map((p) => p.field)).toEqual(['url']);
  });

  it('classifies addresses', () => {
    expect(isForbiddenAddress('8.8.8.8')).toBe(false);
    expect(isForbiddenAddress('2001:4860:4860::8888')).toBe(false);
    expect(isForbiddenAddress('172.31.255.255')).toBe(true);
    expect(isForbiddenAddress('not-an-ip')).toBe(true);
  });

  it('refuses a literal forbidden address at connect time too (Node skips `lookup` for literals)', async () => {
    for (const url of [
      'https://[::ffff:7f00:1]:9/hook',
      'https://169.254.169.254/latest',
      'http://127.0.0.1:9/x',
    ]) {
      const result = await postWebhook(url, {}, '{}', { timeoutMs: 1000, allowPrivate: false });
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/forbidden address/);
    }
  });

  it('refuses at connect time a name that resolves to a private address (DNS rebinding)', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guardedLookup('localhost', {}, (failure) => resolve(failure)),
    );
    expect(error?.code).toBe('EFORBIDDEN');
  });
});

describe('the local stage', () => {
  it('allows loopback and private receivers but never link-local or cloud metadata', () => {
    expect(endpointUrlProblems('http://127.0.0.1:9000/hooks', true)).toEqual([]);
    expect(endpointUrlProblems('http://10.0.0.5/hooks', true)).toEqual([]);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/',
      'http://[fe80::1]/x',
      'http://[::ffff:169.254.169.254]/x',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      expect(endpointUrlProblems(url, true), url).toEqual([
        { field: 'url', message: expect.stringMatching(/metadata/) },
      ]);
    }
    expect(isForbiddenAddress('169.254.169.254', true)).toBe(true);
    expect(isForbiddenAddress('127.0.0.1', true)).toBe(false);
  });
});
