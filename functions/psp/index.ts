/**
 * The stage's voucher provider (`PSP_PROVIDER`), for the handlers that hand one to their use case.
 * Use cases never import an adapter: they take a PspProvider (psp/provider.ts).
 */
import { config } from '#platform/config';
import { parseDlocalNotification } from './dlocal/notification';
import { parseNotification } from './pagoefectivo/notification';
import type { ParsedNotification, ProviderName, PspProvider } from './provider';

interface Adapter {
  createProvider(): PspProvider;
}

/**
 * Each adapter is a chunk of its own, imported by name (decision 65): a function loads its stage's
 * adapter at init — its handler module awaits `loadPspProvider()` — and never the other's code.
 */
const ADAPTERS: Record<ProviderName, () => Promise<Adapter>> = {
  pagoefectivo: () => import('./pagoefectivo'),
  dlocal: () => import('./dlocal'),
};

const loadedAdapters = new Map<ProviderName, Adapter>();
const providers = new Map<ProviderName, PspProvider>();

/** Loads `name`'s adapter (the stage's by default) and creates its client: at init, by the handler. */
export async function loadPspProvider(name: ProviderName = config().PSP_PROVIDER): Promise<PspProvider> {
  if (!loadedAdapters.has(name)) loadedAdapters.set(name, await ADAPTERS[name]());
  return pspProvider(name);
}

/** The stage's provider (or `name`'s), whose adapter `loadPspProvider()` loaded. */
export function pspProvider(name: ProviderName = config().PSP_PROVIDER): PspProvider {
  let provider = providers.get(name);
  if (provider === undefined) {
    const adapter = loadedAdapters.get(name);
    if (adapter === undefined)
      throw new Error(`The ${name} adapter is not loaded: its handler awaits loadPspProvider() at init.`);
    provider = adapter.createProvider();
    providers.set(name, provider);
  }
  return provider;
}

/**
 * Which providers pay refunds themselves (docs/providers.md): dLocal does, through its refunds
 * API; PagoEfectivo leaves them to the marketplace's bank transfer. Known by name, so a stage
 * whose provider does not refund creates no PSP client in the refunds function at all
 * (test/unit/providers.test.ts holds it to the adapters' `refund`).
 */
export const PAYS_REFUNDS: Record<ProviderName, boolean> = { pagoefectivo: false, dlocal: true };

/** The stage's provider if it pays refunds itself, else undefined (refunds are bank transfers). */
export function refundingPspProvider(): PspProvider | undefined {
  const name = config().PSP_PROVIDER;
  return PAYS_REFUNDS[name] ? pspProvider(name) : undefined;
}

/** At init, for the refunds function: loads the stage's adapter only where it pays refunds. */
export async function loadRefundingPspProvider(): Promise<PspProvider | undefined> {
  const name = config().PSP_PROVIDER;
  return PAYS_REFUNDS[name] ? loadPspProvider(name) : undefined;
}

/** Forgets the created providers (adapters stay loaded); the local stack calls it on restart. */
export function resetPspProviderForTests(): void {
  providers.clear();
}

/** Reads a verified notification from `provider` (which route it came in by). */
export function parseProviderNotification(provider: ProviderName, rawBody: Buffer): ParsedNotification {
  return provider === 'dlocal' ? parseDlocalNotification(rawBody) : parseNotification(rawBody);
}
