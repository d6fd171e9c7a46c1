/** Payloads of this system are a few levels deep; validating far deeper values would exhaust the stack. */
export const MAX_NESTING = 32;

/** True when objects or arrays inside `value` nest deeper than `limit` levels (checked without recursion). */
export function nestedDeeperThan(value: unknown, limit = MAX_NESTING): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
