import type { WalletProviderName } from '#contract/service';
import { walletProviderName } from '#platform/config';
import { culqi } from './culqi';
import { culqiConfigured } from './culqi/credentials';
import { dlocalConfigured } from './dlocal/credentials';
import { dlocalYape } from './dlocal/yape';
import type { WalletProvider } from './wallet-provider';

/**
 * The stage's wallet provider (`WALLET_PROVIDER`), or undefined where it has no credentials (the
 * wallet option is then `unavailable`, never a failed order). Use cases take a WalletProvider.
 */
export function walletProvider(name: WalletProviderName = walletProviderName()): WalletProvider | undefined {
  if (name === 'culqi') return culqiConfigured() ? culqi() : undefined;
  return dlocalConfigured() ? dlocalYape() : undefined;
}
