import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openCursor, sealCursor } from '#platform/sealed-cursor';

const key = randomBytes(32);
const inner = Buffer.from(JSON.stringify({ pk: 'ORDER#ord_1', sk: 'ORDER' })).toString('base64url');

describe('sealed cursors', () => {
  it('open for the binding they were sealed for, and for nothing else', () => {
    const sealed = sealCursor(key, 'alice\nseller-1\n/v1/orders', inner);
    expect(openCursor(key, 'alice\nseller-1\n/v1/orders', sealed)).toBe(inner);
    expect(openCursor(key, 'alice\nseller-2\n/v1/orders', sealed)).toBeUndefined();
    expect(openCursor(key, 'bob\nseller-1\n/v1/orders', sealed)).toBeUndefined();
    expect(openCursor(key, 'alice\nseller-1\n/v1/refunds', sealed)).toBeUndefined();
    expect(openCursor(randomBytes(32), 'alice\nseller-1\n/v1/orders', sealed)).toBeUndefined();
  });

  it('hide what they hold, differ each time, and refuse tampering or plain cursors', () => {
    const [one, two] = [sealCursor(key, 'b', inner), sealCursor(key, 'b', inner)];
    expect(one).not.toBe(two);
    expect(Buffer.from(one.slice(3), 'base64url').toString('latin1')).not.toContain('ORDER#');
    const flipped = `${one.slice(0, -2)}${one.at(-2) === 'A' ? 'B' : 'A'}${one.at(-1)}`;
    expect(openCursor(key, 'b', flipped)).toBeUndefined();
    expect(openCursor(key, 'b', inner)).toBeUndefined();
    expect(openCursor(key, 'b', 'c1.')).toBeUndefined();
    expect(openCursor(key, 'b', `c1.${'A'.repeat(4000)}`)).toBeUndefined();
  });
});
