import type { Split } from './order';

/**
 * Splits `total` over `weights` in proportion, in integers that add up exactly: each gets the
 * floor of its share, and the units left go to the largest remainders (ties: earlier first).
 * In BigInt: amounts reach 10^8 minor units, and 10^8 × 10^8 is past what a double holds exactly.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = BigInt(weights.reduce((acc, weight) => acc + weight, 0));
  if (sum === 0n) return weights.map(() => 0);
  const exact = weights.map((weight) => {
    const product = BigInt(total) * BigInt(weight);
    return { share: Number(product / sum), remainder: product % sum };
  });
  const shares = exact.map(({ share }) => share);
  let left = total - shares.reduce((acc, share) => acc + share, 0);
  const order = exact
    .map(({ remainder }, index) => ({ index, remainder }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of order) {
    if (left <= 0) break;
    shares[index] = (shares[index] ?? 0) + 1;
    left--;
  }
  return shares;
}

export interface Allocation {
  sellerId: string;
  amount: number;
  /** The part of `amount` the platform bears (its commission given back); 0 when it keeps it. */
  fee: number;
}

/** A refund of the order made before this one and still standing (not rejected, not failed). */
export interface EarlierRefund {
  refundFee: boolean;
  allocations: readonly Allocation[];
}

/** What earlier refunds took from one seller's split. */
export interface SellerRefunded {
  /** Refunded of the split, all refunds. */
  amount: number;
  /** Refunded by refunds that gave the fee back (the base the fee given back is reckoned on). */
  feeBase: number;
  /** Fee given back so far. */
  fee: number;
}

/** Per seller, what the earlier refunds took (sellers with nothing refunded are absent). */
export function refundedBySeller(earlier: readonly EarlierRefund[]): Map<string, SellerRefunded> {
  const totals = new Map<string, SellerRefunded>();
  for (const refund of earlier) {
    for (const allocation of refund.allocations) {
      const total = totals.get(allocation.sellerId) ?? { amount: 0, feeBase: 0, fee: 0 };
      total.amount += allocation.amount;
      if (refund.refundFee) total.feeBase += allocation.amount;
      total.fee += allocation.fee;
      totals.set(allocation.sellerId, total);
    }
  }
  return totals;
}

/** The split's fee in proportion to `refunded` of its amount, rounded down: the whole fee at the whole split. */
export function feeShare(split: Split, refunded: number): number {
  if (split.amount <= 0) return 0;
  return Number((BigInt(refunded) * BigInt(split.fee)) / BigInt(split.amount));
}

/** What is left of each split to refund, after the earlier refunds (never below 0). */
export function refundableBySeller(
  splits: readonly Split[],
  earlier: readonly EarlierRefund[],
): Map<string, number> {
  const refunded = refundedBySeller(earlier);
  return new Map(
    splits.map((split) => [
      split.sellerId,
      Math.max(0, split.amount - (refunded.get(split.sellerId)?.amount ?? 0)),
    ]),
  );
}

/**
 * Who bears a refund, reckoned on the CUMULATIVE refunds of the order, so that refunds in parts
 * add up to exactly what one refund of the whole would be (decision 74).
 * - Amounts: the caller's own `requested` allocations, or (default) pro rata to what each seller
 *   has left to refund, largest remainder — the part that empties the order gives each seller
 *   exactly what is left of its split, and no seller is ever asked for more than is left.
 * - Fee given back (`refundFee`): the split's fee share of everything the fee-returning refunds
 *   have refunded of it, this one included, less what they already gave back. A split refunded
 *   whole in any number of parts gets its whole fee back, to the unit; with `refundFee: false`
 *   the sellers bear their whole allocation and the platform keeps its fee on it.
 */
export function allocateRefund(
  amount: number,
  splits: readonly Split[],
  refundFee: boolean,
  requested?: readonly { sellerId: string; amount: number }[],
  earlier: readonly EarlierRefund[] = [],
): Allocation[] {
  const refunded = refundedBySeller(earlier);
  const left = refundableBySeller(splits, earlier);
  const sellers =
    requested?.map((allocation) => allocation.sellerId) ?? splits.map((split) => split.sellerId);
  const amounts =
    requested?.map((allocation) => allocation.amount) ??
    largestRemainder(
      amount,
      splits.map((split) => left.get(split.sellerId) ?? 0),
    );
  return sellers.map((sellerId, index) => {
    const split = splits.find((candidate) => candidate.sellerId === sellerId);
    const share = amounts[index] ?? 0;
    if (!refundFee || split === undefined) return { sellerId, amount: share, fee: 0 };
    const before = refunded.get(sellerId) ?? { amount: 0, feeBase: 0, fee: 0 };
    const owed = feeShare(split, before.feeBase + share) - before.fee;
    // Within [0, share]: refunds rejected between others can leave the sum a unit off the floor.
    return { sellerId, amount: share, fee: Math.min(share, Math.max(0, owed)) };
  });
}

/**
 * A late payment accepted after refunds taken from suspense: what is left for each seller and
 * for the platform — each split less what the refunds took of it, each fee less what they gave back.
 */
export function acceptedShares(
  splits: readonly Split[],
  earlier: readonly EarlierRefund[],
): { sellerId: string; amount: number; fee: number }[] {
  const refunded = refundedBySeller(earlier);
  return splits.map((split) => {
    const taken = refunded.get(split.sellerId) ?? { amount: 0, feeBase: 0, fee: 0 };
    return { sellerId: split.sellerId, amount: split.amount - taken.amount, fee: split.fee - taken.fee };
  });
}
