import type { Split } from '#orders/order';

/**
 * Splits `total` over `weights` in proportion, in integers that add up exactly: each gets the
 * floor of its share, and the units left go to the largest remainders (ties: earlier first).
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((acc, share) => acc + share, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
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

/**
 * Who bears a refund. Default: pro rata to the splits' amounts. With `refundFee` the platform
 * gives back its commission in the same proportion as each split's fee to its amount (so a full
 * refund returns every fee exactly); without it, sellers bear their whole allocation.
 */
export function allocateRefund(
  amount: number,
  splits: readonly Split[],
  refundFee: boolean,
  requested?: readonly { sellerId: string; amount: number }[],
): Allocation[] {
  const amounts =
    requested?.map((allocation) => allocation.amount) ??
    largestRemainder(
      amount,
      splits.map((split) => split.amount),
    );
  const sellers =
    requested?.map((allocation) => allocation.sellerId) ?? splits.map((split) => split.sellerId);
  return sellers.map((sellerId, index) => {
    const split = splits.find((candidate) => candidate.sellerId === sellerId);
    const share = amounts[index] ?? 0;
    const fee = refundFee && split && split.amount > 0 ? Math.floor((share * split.fee) / split.amount) : 0;
    return { sellerId, amount: share, fee };
  });
}
