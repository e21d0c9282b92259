import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricName } from '#contract/metrics';
import { maskCci } from '#model/cci';
import type { EventType } from '#model/event-types';
import { ulid } from '#model/ids';
import { payoutPaidEntry } from '#model/journal';
import type { Payout, PayoutStatus } from '#model/payout';
import { payoutSchedule } from '#model/payout-schedule';
import { now } from '#platform/clock';
import { ConflictError, NotFoundError } from '#platform/errors';
import {
  assertAnotherApprover,
  principalOf,
  repeatsLastStep,
  samePrincipalSpelling,
  stepped,
} from '#platform/lifecycle';
import { withFreshReads } from '#platform/optimistic';
import { logger, metrics } from '#platform/powertools';
import type { Actor } from '#refunds/refunds';
import {
  getBankAccount,
  getBankAccountVersion,
  type StoredBankAccount,
  saveBankAccount,
} from '#store/bank-accounts-repository';
import { type CompletionWrites, noCompletion } from '#store/idempotency-records';
import {
  balanceIn,
  getSellerBalanceItem,
  leaveDueIndexIfEmpty,
  ledgerWrites,
  sellerBalanceUpdate,
} from '#store/ledger-repository';
import {
  getPayout,
  payoutLines,
  StalePayoutError,
  type StoredPayout,
  savePayout,
} from '#store/payouts-repository';
import type { CreatePayoutRequest, PutBankAccountRequest } from './request-schemas';

/**
 * Who proposes scheduled payouts: a system, not a person. Its payouts still need a person's
 * approval, and that person may not be the one who set the bank account they pay (decision 77).
 * `system:` principals cannot be given to API keys (lib/topology.ts PRINCIPAL_PATTERN).
 */
export const SCHEDULE_ACTOR: Actor = {
  keyId: 'schedule',
  keyName: 'payout schedule',
  principal: 'system:payout-schedule',
};

/** The bank account as the API shows it: the CCI masked but for its last 4 digits. */
export function bankAccountResponse(account: StoredBankAccount, history: StoredBankAccount[]) {
  const { changedBy: _by, changedByPrincipal: _principal, ...shown } = account;
  return {
    ...shown,
    cci: maskCci(account.cci),
    history: history.map((version) => ({
      version: version.version,
      cci: maskCci(version.cci),
      changedAt: version.changedAt,
      changedBy: version.changedBy,
      ...(version.changedByPrincipal ? { changedByPrincipal: version.changedByPrincipal } : {}),
    })),
  };
}

/**
 * Sets a seller's bank account. Every account — the first one too (decision 77) — receives no
 * payout for the stage's cooling-off period: "change the bank account, then cash out" is how a
 * taken-over seller account is robbed, and "set a new seller's first account, then cash out" is
 * the same theft one step earlier. Who set it (key and principal) is kept on the version: that
 * person may not approve a payout to it. The same details again change nothing.
 */
export async function putBankAccount(sellerId: string, request: PutBankAccountRequest, by: Actor) {
  return withFreshReads(
    async () => {
      const previous = await getBankAccount(sellerId);
      const same =
        previous !== undefined &&
        previous.cci === request.cci &&
        previous.holderName === request.holderName &&
        previous.documentType === request.documentType &&
        previous.documentNumber === request.documentNumber &&
        previous.bank === request.bank;
      if (same) return { account: previous, changed: false };
      const at = now();
      const next: StoredBankAccount = {
        sellerId,
        ...request,
        version: (previous?.version ?? 0) + 1,
        changedAt: at.toISOString(),
        changedBy: by.keyId,
        changedByPrincipal: principalOf(by),
        coolingOffUntil: new Date(at.getTime() + payoutSchedule().coolingOffHours * 3600_000).toISOString(),
      };
      await saveBankAccount(previous, next, {
        sellerId,
        cci: maskCci(next.cci),
        holderName: next.holderName,
        version: next.version,
        changedAt: next.changedAt,
        ...(next.coolingOffUntil ? { coolingOffUntil: next.coolingOffUntil } : {}),
        ...(previous ? { previousCci: maskCci(previous.cci) } : {}),
      });
      logger.info('seller bank account changed', { sellerId, version: next.version });
      return { account: next, changed: true };
    },
    () => {
      throw new ConflictError('bank_account_changed', 'The bank account changed meanwhile; try again.');
    },
  );
}

/** A payout as the API shows it; with its bank account (masked) and, for one payout, its items. */
export async function payoutResponse(
  payout: StoredPayout,
  include: { items?: boolean; bankAccount?: boolean } = { bankAccount: true },
): Promise<Payout> {
  const { itemsAfter: _a, itemsThrough: _t, ...shown } = payout;
  const withItems = include.items === true;
  const account =
    include.bankAccount === false
      ? undefined
      : await getBankAccountVersion(payout.sellerId, payout.bankAccountVersion);
  return {
    ...shown,
    ...(account
      ? {
          bankAccount: {
            cci: maskCci(account.cci),
            holderName: account.holderName,
            ...(account.bank ? { bank: account.bank } : {}),
          },
        }
      : {}),
    ...(withItems ? { items: await payoutLines(payout) } : {}),
  };
}

const openPayoutMarker = (currency: string) => `openPayout_${currency}`;
const payoutCursor = (currency: string) => `payoutCursor_${currency}`;

/**
 * Proposes a payout of a seller's available money (all of it by default, never more) to their
 * current bank account. At most one open payout per seller and currency (a marker on the balance
 * item, set in the same transaction): two requests racing for the same money → one wins. Nothing
 * is reserved yet: approval moves the money to in transit.
 */
export async function requestPayout(
  request: CreatePayoutRequest,
  by: Actor,
  /** The balance item when the caller just read it (the payout job), to spare a read. */
  balanceItem?: Record<string, unknown>,
  /** An Idempotency-Key's record, completed in the payout's transaction (decision 71). */
  completion: CompletionWrites<StoredPayout> = noCompletion,
): Promise<StoredPayout> {
  const item = balanceItem ?? (await getSellerBalanceItem(request.sellerId));
  const { available } = balanceIn(item, request.currency);
  const amount = request.amount ?? available;
  if (available <= 0 || amount <= 0) {
    throw new ConflictError('nothing_available', 'The seller has no available money in this currency.', {
      available,
    });
  }
  if (amount > available) {
    throw new ConflictError('payout_exceeds_available', `At most ${available} is available.`, { available });
  }
  const bankAccountVersion =
    item.bankAccountVersion === undefined ? undefined : Number(item.bankAccountVersion);
  if (bankAccountVersion === undefined) {
    throw new ConflictError(
      'no_bank_account',
      'Set the seller bank account first (PUT /v1/sellers/{id}/bank-account).',
    );
  }
  const at = now();
  const coolingOffUntil = typeof item.coolingOffUntil === 'string' ? item.coolingOffUntil : undefined;
  if (coolingOffUntil !== undefined && coolingOffUntil > at.toISOString()) {
    throw new ConflictError(
      'bank_account_cooling_off',
      `The bank account changed recently; payouts to it start at ${coolingOffUntil}.`,
      { until: coolingOffUntil },
    );
  }
  const open = item[openPayoutMarker(request.currency)];
  if (typeof open === 'string') {
    throw new ConflictError(
      'payout_in_progress',
      `Payout ${open} is still open for this seller and currency.`,
      {
        payoutId: open,
      },
    );
  }
  const createdAt = at.toISOString();
  const payout: StoredPayout = {
    id: `po_${ulid()}`,
    sellerId: request.sellerId,
    currency: request.currency,
    amount,
    status: 'REQUESTED',
    bankAccountVersion,
    requestedBy: by,
    history: [{ status: 'REQUESTED', at: createdAt, by }],
    itemsAfter: String(item[payoutCursor(request.currency)] ?? ''),
    // '~' sorts after every character of an entry id: everything up to this instant.
    itemsThrough: `${createdAt}~`,
    createdAt,
    updatedAt: createdAt,
    version: 1,
  };
  try {
    // The event names the account by version: proposing a payout reads nothing but the balance.
    await savePayout(
      undefined,
      payout,
      'payout.requested',
      await payoutResponse(payout, { bankAccount: false }),
      [
        sellerBalanceUpdate(request.sellerId, request.currency, {}, createdAt, {
          set: [`#open = :payoutId`],
          names: { '#open': openPayoutMarker(request.currency) },
          values: { ':payoutId': payout.id, ':bankVersion': bankAccountVersion },
          condition: 'attribute_not_exists(#open) AND bankAccountVersion = :bankVersion',
        }),
        ...completion(payout),
      ],
    );
  } catch (error) {
    if (error instanceof StalePayoutError) {
      throw new ConflictError(
        'payout_in_progress',
        'Another payout for this seller and currency was opened meanwhile.',
      );
    }
    throw error;
  }
  metrics.addMetric('PayoutRequested', MetricUnit.Count, 1);
  return payout;
}

/**
 * Two people before money leaves (decision 77): the approver is neither the person who requested
 * the payout nor the person who set the bank account it pays (the version it was proposed for;
 * approval is conditional on that version still being current). A scheduled payout has a system
 * as its requester, so the account's setter is the maker its approver must differ from.
 */
async function assertMayApprove(payout: StoredPayout, by: Actor): Promise<void> {
  assertAnotherApprover(
    payout.requestedBy,
    by,
    'A payout is approved by another person (principal) than the one that requested it.',
  );
  const account = await getBankAccountVersion(payout.sellerId, payout.bankAccountVersion);
  if (account === undefined) {
    throw new ConflictError('bank_account_changed', 'The bank account of this payout is gone: reject it.');
  }
  const setter = account.changedByPrincipal ?? account.changedBy;
  if (setter !== undefined && samePrincipalSpelling(setter) === principalOf(by)) {
    throw new ConflictError(
      'approver_set_bank_account',
      'You set the bank account this payout goes to: another person (principal) approves it.',
      { bankAccountVersion: account.version },
    );
  }
}

type Move = 'approve' | 'reject' | 'mark-paid' | 'mark-failed';
const MOVE_METRIC: Record<PayoutStatus, MetricName> = {
  REQUESTED: 'PayoutRequested',
  APPROVED: 'PayoutApproved',
  PAID_OUT: 'PayoutPaidOut',
  REJECTED: 'PayoutNotPaid',
  FAILED: 'PayoutNotPaid',
};
const MOVES: Record<Move, [from: PayoutStatus, to: PayoutStatus, event: EventType]> = {
  approve: ['REQUESTED', 'APPROVED', 'payout.approved'],
  reject: ['REQUESTED', 'REJECTED', 'payout.rejected'],
  'mark-paid': ['APPROVED', 'PAID_OUT', 'payout.paid_out'],
  'mark-failed': ['APPROVED', 'FAILED', 'payout.failed'],
};

/**
 * REQUESTED → APPROVED (by another key than the requester; reserves the money: available → in
 * transit, only if it is still there and the bank account is the one requested and out of its
 * cooling-off) → PAID_OUT (the ledger books the transfer: in transit → paid out) or FAILED (the
 * bank returned it: available again); REQUESTED → REJECTED. Each step with its event, in one
 * transaction with the balance.
 */
export async function movePayout(
  id: string,
  move: Move,
  by: Actor,
  details: { reason?: string; transferReference?: string; paidAt?: string } = {},
): Promise<StoredPayout> {
  const [from, to, eventType] = MOVES[move];
  return withFreshReads(
    async () => {
      const payout = await getPayout(id);
      if (payout === undefined) throw new NotFoundError(`No payout ${id}.`);
      // The same step by the same person, asked again (a retry after a lost answer): as it is.
      if (repeatsLastStep(payout, to, by, details)) return payout;
      if (payout.status !== from) {
        throw new ConflictError('invalid_status', `The payout is ${payout.status}; ${move} needs ${from}.`, {
          payoutStatus: payout.status,
        });
      }
      if (move === 'approve') await assertMayApprove(payout, by);
      const at = now().toISOString();
      // Approved: the ledger lines up to the request are what it pays; the next payout starts after.
      const next = stepped(payout, to, { status: to, at, by, ...details }, at);
      const { sellerId, currency, amount } = payout;
      const names = { '#open': openPayoutMarker(currency) };
      const closes = {
        remove: ['#open'],
        names,
        condition: '#open = :payoutId',
        values: { ':payoutId': id },
      };
      const writes =
        move === 'approve'
          ? [
              sellerBalanceUpdate(sellerId, currency, { available: -amount, inTransit: amount }, at, {
                set: ['#cursor = :through'],
                names: { '#cursor': payoutCursor(currency), '#available': `available_${currency}` },
                condition:
                  '#available >= :amount AND bankAccountVersion = :bankVersion AND coolingOffUntil <= :now',
                values: {
                  ':through': payout.itemsThrough,
                  ':amount': amount,
                  ':bankVersion': payout.bankAccountVersion,
                  ':now': at,
                },
              }),
            ]
          : move === 'reject'
            ? [sellerBalanceUpdate(sellerId, currency, {}, at, closes)]
            : move === 'mark-failed'
              ? [
                  sellerBalanceUpdate(
                    sellerId,
                    currency,
                    { inTransit: -amount, available: amount },
                    at,
                    closes,
                  ),
                ]
              : (() => {
                  const entry = payoutPaidEntry(payout, at);
                  return [
                    ...ledgerWrites(entry, { sellerBalancesByCaller: true }),
                    sellerBalanceUpdate(sellerId, currency, entry.sellerMoves[sellerId] ?? {}, at, closes),
                  ];
                })();
      try {
        await savePayout(payout, next, eventType, await payoutResponse(next), writes);
      } catch (error) {
        if (!(error instanceof StalePayoutError)) throw error;
        // Approving lost on the balance's own condition: not a race a re-read would win. Unless the
        // payout itself moved too (a twin approval committed first: its balance move is why this
        // one's condition failed) — then read again, and a repeat of that step answers as it is
        // (outside test 9, decision 134), instead of "only 0 is available".
        if (
          move === 'approve' &&
          error.codes[2] === 'ConditionalCheckFailed' &&
          error.codes[0] !== 'ConditionalCheckFailed'
        ) {
          const balance = balanceIn(await getSellerBalanceItem(sellerId), currency);
          if (balance.available < amount) {
            throw new ConflictError('insufficient_available', `Only ${balance.available} is available now.`, {
              available: balance.available,
            });
          }
          throw new ConflictError(
            'bank_account_changed',
            'The bank account changed since the payout was requested (or is cooling off): reject it and request a new one.',
          );
        }
        throw error; // lost a race: read again
      }
      if (move === 'approve') await leaveDueIndexIfEmpty(sellerId);
      metrics.addMetric(MOVE_METRIC[to], MetricUnit.Count, 1);
      logger.info('payout moved', { payoutId: id, from, to });
      return next;
    },
    () => {
      throw new ConflictError('payout_changed', 'The payout changed meanwhile; try again.');
    },
  );
}
