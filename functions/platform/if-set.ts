/**
 * `{ [key]: value }`, or nothing when the value is absent: a presenter spreads it so an optional
 * field is left out rather than written as `undefined` (which DynamoDB's marshaller refuses).
 */
export function ifSet<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
