import { config } from '#platform/config';
import { dlocal } from './dlocal';
import type { PspProvider } from './provider';

/**
 * The stage's provider where it pays refunds itself, else undefined. Only dLocal does, through
 * its refunds API; PagoEfectivo's refunds are the marketplace's bank transfers (docs/providers.md).
 * A module of its own, so the refunds function bundles dLocal's adapter alone and a PagoEfectivo
 * stage creates no PSP client there (test/unit/providers.test.ts holds it to the adapters).
 */
export function refundingPspProvider(): PspProvider | undefined {
  return config().PSP_PROVIDER === 'dlocal' ? dlocal() : undefined;
}
