/**
 * The console's security headers, one definition for both hosts: the local API server
 * (local/console.ts) and CloudFront's response headers policy in AWS. The console carries no
 * inline script or style (console/build.ts), so the policy needs no hash and no
 * 'unsafe-inline': only its own files run, it talks to the API and the OIDC issuer only, and it
 * cannot be framed (clickjacking an "approve" button).
 */
export function consoleCsp(options: { apiOrigin?: string; issuerOrigin?: string } = {}): string {
  const connect = ["'self'", options.apiOrigin, options.issuerOrigin].filter(
    (source, index, all): source is string =>
      source !== undefined && source !== '' && all.indexOf(source) === index,
  );
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONSOLE_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=31536000',
  'x-robots-tag': 'noindex',
};
