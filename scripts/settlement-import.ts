import '../local/quiet';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { REPORT_MEDIA_TYPES } from '#settlements/report';

/**
 * npm run settlement:import -- <file> [--partial] [--api-url URL]
 * Posts a PagoEfectivo settlement report to the API (the local stack by default, with
 * LOCAL_API_KEY; a deployed stage with --api-url and API_KEY), and prints the settlement.
 * A 202 (not finished in one request) is posted again until it completes: importing the same
 * file resumes it. Reports over the API's limit go through POST /v1/settlements/uploads.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    partial: { type: 'boolean', default: false },
    'api-url': { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '3000'}` },
  },
});
const file = positionals[0];
if (!file) {
  console.error('usage: npm run settlement:import -- <file.csv|file.xlsx> [--partial] [--api-url URL]');
  process.exit(2);
}
const apiKey = process.env.API_KEY ?? process.env.LOCAL_API_KEY ?? 'local-dev-key-0123456789abcdef';
const bytes = readFileSync(file);
const type = file.toLowerCase().endsWith('.xlsx') ? REPORT_MEDIA_TYPES.xlsx : REPORT_MEDIA_TYPES.csv;
const query = new URLSearchParams({ fileName: basename(file).replace(/[^\w .()-]/g, '_') });
if (values.partial) query.set('partial', 'true');
for (let attempt = 1; attempt <= 20; attempt++) {
  const response = await fetch(`${values['api-url']}/v1/settlements?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': type },
    body: bytes,
  });
  const body = await response.json();
  if (response.status === 202) continue;
  console.log(JSON.stringify(body, null, 2));
  process.exit(response.ok ? 0 : 1);
}
console.error('still importing after 20 requests; run the command again to resume');
process.exit(1);
