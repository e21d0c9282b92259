/**
 * An order's timeline steps, oldest first. Nothing happened before the order existed: a PSP's
 * payment time has whole seconds, so a payment in the order's first second would sort above
 * "Pedido creado" by its own time. Each step sorts at the later of its time and the creation;
 * ties keep the given order (the sort is stable), and each step still shows its own time.
 */
export function inTimelineOrder<Step extends { at: string }>(steps: Step[], createdAt: string): Step[] {
  const created = Date.parse(createdAt);
  const sortKey = (at: string) => Math.max(Date.parse(at), created);
  return [...steps].sort((a, b) => sortKey(a.at) - sortKey(b.at));
}
