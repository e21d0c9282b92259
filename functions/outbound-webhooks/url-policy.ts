import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { FieldProblem } from '#platform/errors';

/**
 * Where we agree to POST a marketplace's webhooks. Outside the local stage: https only, and only
 * to public unicast addresses (SSRF: our functions must not become a proxy into the AWS network).
 * Checked when an endpoint is saved (names and literal IPs) AND when connecting (what the name
 * resolves to then, or the literal itself), so DNS rebinding does not get around it.
 */

/**
 * IPv4 ranges (ipaddr.js names them from the IANA special-purpose registries) are refused
 * unless `unicast`: private, loopback, link-local (169.254/16, where cloud metadata lives),
 * CGNAT, documentation, benchmarking, multicast, reserved, broadcast, unspecified, …
 *
 * IPv6 must be `unicast` inside 2000::/3 (global unicast). That refuses loopback, unique-local
 * (incl. fd00:ec2::/32, EC2's metadata), link- and site-local, multicast, documentation, and
 * every form that carries an IPv4 address inside it — mapped (::ffff:a.b.c.d), compatible
 * (::a.b.c.d, ::7f00:1), NAT64 (64:ff9b::/96), 6to4 (2002::/16), Teredo (2001::/32) — because
 * the v4 address inside may be anything, including 169.254.169.254.
 */
export function isPublicUnicastAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const v6 = parsed as ipaddr.IPv6;
  return v6.range() === 'unicast' && v6.match(GLOBAL_UNICAST) && !v6.match(SIX_TO_FOUR);
}

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3') as [ipaddr.IPv6, number];
// ipaddr.js calls 2002::/16 `6to4` in recent versions; matched explicitly so no version can let it through.
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16') as [ipaddr.IPv6, number];

const EC2_METADATA_V6 = ipaddr.parseCIDR('fd00:ec2::/32') as [ipaddr.IPv6, number];

/**
 * Link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::/32, and the same
 * wrapped in IPv4-mapped IPv6): refused even by the local stage, which otherwise allows loopback
 * and private addresses for its receivers — a laptop on a cloud VM has a metadata service too.
 */
export function isMetadataAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === 'ipv4') return parsed.range() === 'linkLocal';
  const v6 = parsed as ipaddr.IPv6;
  return v6.range() === 'linkLocal' || v6.match(EC2_METADATA_V6);
}

/** Where a stage may not POST: anything but public unicast, or (local stage) metadata and link-local. */
export function isForbiddenAddress(address: string, allowPrivate = false): boolean {
  return allowPrivate ? isMetadataAddress(address) : !isPublicUnicastAddress(address);
}

/** Names that only ever mean "this machine" or "inside this network". */
const BLOCKED_NAMES = [
  /^localhost$/i,
  /\.localhost$/i,
  /^metadata(\.google\.internal)?$/i,
  /\.internal$/i,
  /\.local$/i,
];

/** `localhost.` and `localhost` are the same name to DNS: compare without the root's dot(s). */
const withoutRootDot = (host: string) => host.replace(/\.+$/, '');

/** C0 controls and DEL (CR, LF, tab, NUL, …), as sent or percent-encoded (`%0D`, `%0a`, `%00`, `%7F`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const ENCODED_CONTROL_CHARACTER = /%(?:[01][0-9a-f]|7f)/i;

/**
 * A URL's authority (user info, host, port) as written: what lies between `//` and the first
 * `/`, `?` or `#` after it.
 */
const authorityOf = (raw: string) => /^[^:/?#]*:\/\/([^/?#]*)/.exec(raw)?.[1] ?? '';

export function endpointUrlProblems(raw: string, allowPrivate: boolean): FieldProblem[] {
  // The URL parser silently drops tabs and newlines (`exa\r\nmple.com` is example.com), so such a
  // URL would be stored as given and mean something else than it shows: refused, never cleaned.
  if (CONTROL_CHARACTER.test(raw) || ENCODED_CONTROL_CHARACTER.test(authorityOf(raw))) {
    return [{ field: 'url', message: 'Control characters (CR, LF, tab, NUL, …) are not allowed in a URL.' }];
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field: 'url', message: 'Not a URL.' }];
  }
  if (url.username || url.password)
    return [{ field: 'url', message: 'Credentials in the URL are not allowed.' }];
  if (allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return [{ field: 'url', message: 'Use an http(s) URL.' }];
    const localHost = withoutRootDot(url.hostname.replace(/^\[|\]$/g, ''));
    const metadataName = /^metadata(\.google\.internal)?$/i.test(localHost);
    if (metadataName || (isIP(localHost) !== 0 && isMetadataAddress(localHost))) {
      return [
        { field: 'url', message: 'Link-local and cloud metadata addresses are not allowed, locally either.' },
      ];
    }
    return [];
  }
  if (url.protocol !== 'https:') return [{ field: 'url', message: 'Webhook URLs must use https.' }];
  const host = withoutRootDot(url.hostname.replace(/^\[|\]$/g, ''));
  if (host === '') return [{ field: 'url', message: 'The URL needs a host name.' }];
  if (isIP(host) !== 0 ? isForbiddenAddress(host) : BLOCKED_NAMES.some((pattern) => pattern.test(host))) {
    return [
      {
        field: 'url',
        message:
          'Only public addresses: private, loopback, link-local, metadata and reserved ones are not allowed.',
      },
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
  guardedLookupFor(false)(hostname, options, callback);
}

/** The guarded lookup of a stage: the local one still refuses metadata and link-local addresses. */
export const guardedLookupFor =
  (allowPrivate: boolean) =>
  (hostname: string, options: LookupOptions, callback: LookupCallback): void =>
    lookupRefusing(hostname, options, callback, allowPrivate);

function lookupRefusing(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
  allowPrivate: boolean,
): void {
  dnsLookup(hostname, { ...options, all: true } as LookupOptions & { all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const forbidden = list.find((entry) => isForbiddenAddress(entry.address, allowPrivate));
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
