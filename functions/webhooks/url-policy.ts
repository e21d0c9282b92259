import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { FieldProblem } from '../platform/errors';

/**
 * Where we agree to POST a marketplace's webhooks. Outside the local stage: https only, and never
 * to private, loopback, link-local, CGNAT or cloud-metadata addresses (SSRF: our functions must not
 * become a proxy into the AWS network). Checked when an endpoint is saved (names and literal IPs)
 * AND when connecting (what the name resolves to then), so DNS rebinding does not get around it.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['fd00:ec2::', 32],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

const BLOCKED_NAMES = [
  /^localhost$/i,
  /\.localhost$/i,
  /^metadata(\.google\.internal)?$/i,
  /\.internal$/i,
  /\.local$/i,
];

export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    return blocked.check(address, 'ipv6');
  }
  return blocked.check(address, 'ipv4');
}

export function endpointUrlProblems(raw: string, allowPrivate: boolean): FieldProblem[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field: 'url', message: 'Not a URL.' }];
  }
  if (url.username || url.password)
    return [{ field: 'url', message: 'Credentials in the URL are not allowed.' }];
  if (allowPrivate) {
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? []
      : [{ field: 'url', message: 'Use an http(s) URL.' }];
  }
  if (url.protocol !== 'https:') return [{ field: 'url', message: 'Webhook URLs must use https.' }];
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 ? isForbiddenAddress(host) : BLOCKED_NAMES.some((pattern) => pattern.test(host))) {
    return [
      { field: 'url', message: 'Private, loopback, link-local and metadata addresses are not allowed.' },
    ];
  }
  return [];
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A `lookup` for http(s).request that refuses to connect to forbidden addresses. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true } as LookupOptions & { all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const forbidden = list.find((entry) => isForbiddenAddress(entry.address));
    if (forbidden || list.length === 0) {
      const refusal: NodeJS.ErrnoException = new Error(`${hostname} resolves to a forbidden address`);
      refusal.code = 'EFORBIDDEN';
      return callback(refusal, []);
    }
    if (options.all) return callback(null, list);
    const [first] = list;
    return callback(null, first?.address ?? '', first?.family);
  });
}
