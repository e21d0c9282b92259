import './silence';
import '../local/quiet';
import { createReadStream } from 'node:fs';
import { pspProvider } from '#psp/index';
import { importReport } from '#settlements/reconcile';

/**
 * One settlement import in a process of its own, so that its RSS is the import's: the whole
 * import path (byte checks, validating every line, then applying lines until `applySeconds` have
 * passed, when it pauses as a request near its deadline does). Prints one JSON line.
 * Usage: settlement-import-child.ts <file> <csv|xlsx> <applySeconds> <sha256>
 */
const [path = '', format = 'csv', applySeconds = '20', sha256 = ''] = process.argv.slice(2);
let peak = process.memoryUsage().rss;
let peakHeap = process.memoryUsage().heapUsed;
const baseline = peak;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peak = Math.max(peak, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed);
}, 20);
const started = performance.now();
let validatedAt: number | undefined;
const { settlement } = await importReport(
  { open: () => createReadStream(path), format: format as 'csv' | 'xlsx', fileName: path, sha256 },
  {
    partial: false,
    psp: pspProvider(),
    by: 'bench',
    // Asked before each batch is applied: the first ask comes right after validation.
    hasTimeLeft: () => {
      validatedAt ??= performance.now();
      return performance.now() - validatedAt < Number(applySeconds) * 1000;
    },
  },
);
const ended = performance.now();
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
const validated = validatedAt ?? ended;
console.log(
  JSON.stringify({
    lines: settlement.lines,
    validateSeconds: (validated - started) / 1000,
    applied: settlement.processedThrough - 1,
    applySeconds: (ended - validated) / 1000,
    baselineRss: baseline,
    peakRss: peak,
    peakHeap,
  }),
);
process.exit(0);
