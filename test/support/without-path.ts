/** A deep copy of `value` without the field at `path` (`a` or `a.b`): for "and without that optional field" cases. */
export function withoutPath<T>(value: T, path: string): T {
  const copy = structuredClone(value) as unknown as Record<string, Record<string, unknown>>;
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) delete copy[head];
  else if (copy[head] !== undefined) delete copy[head][tail];
  return copy as unknown as T;
}
