import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_ATTRIBUTES, TABLE_INDEXES, withoutKeys } from '#contract/entities/indexes';
import { orderEntity } from '#contract/entities/order';
import { isOutboxItem, outboxItem } from '#store/outbox';

/** Every .ts file below `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Code only: comment lines may name a key format (docs), code may not spell one. */
function codeLines(file: string): { line: number; text: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((text, index) => ({ line: index + 1, text }))
    .filter(({ text }) => !/^\s*(\/\/|\/?\*)/.test(text));
}

// A key string: an upper-case prefix ending in '#' inside a string or template literal, or one of
// the single-partition listings' names as a whole literal.
const KEY_PREFIX = /['`][A-Z][A-Z_]{1,}#/;
const LISTING_NAME = /['`](ANOMALIES|API_KEYS|ENDPOINTS|SETTLEMENTS)['`]/;
// An index's name or key attribute, in code (comments may name them).
const INDEX_NAME = /\bgsi\d/;

describe('entities own their keys (docs/data-model.md)', () => {
  it('spells no key string outside functions/contract/entities/', () => {
    const offenders = ['functions', 'lib', 'local', 'scripts', 'bench']
      .flatMap(sources)
      .filter((file) => !file.startsWith(join('functions', 'contract', 'entities')))
      .flatMap((file) =>
        codeLines(file)
          .filter(({ text }) => KEY_PREFIX.test(text) || LISTING_NAME.test(text))
          .map(({ line, text }) => `${file}:${line}: ${text.trim()}`),
      );
    expect(offenders).toEqual([]);
  });

  it('names no index, nor an index key attribute, outside functions/contract/entities/ (decision 94)', () => {
    const offenders = ['functions', 'lib', 'local', 'scripts', 'bench']
      .flatMap(sources)
      .filter((file) => !file.startsWith(join('functions', 'contract', 'entities')))
      .flatMap((file) =>
        codeLines(file)
          .filter(({ text }) => INDEX_NAME.test(text))
          .map(({ line, text }) => `${file}:${line}: ${text.trim()}`),
      );
    expect(offenders).toEqual([]);
  });

  it('finds a planted index name (the check above can fail)', () => {
    expect(INDEX_NAME.test("IndexName: 'gsi1',")).toBe(true);
    expect(INDEX_NAME.test("UpdateExpression: 'REMOVE gsi3pk, gsi3sk',")).toBe(true);
    expect(INDEX_NAME.test('IndexName: index.name,')).toBe(false);
  });

  it('strips every key attribute, and only those, from an item read back', () => {
    const item = {
      ...orderEntity.key('ord_1'),
      entity: 'order',
      gsi1pk: 'a',
      gsi2sk: 'b',
      gsi3pk: 'c',
      id: 'ord_1',
    };
    expect(withoutKeys(item)).toEqual({ id: 'ord_1' });
    expect(KEY_ATTRIBUTES).toEqual([
      'pk',
      'sk',
      'entity',
      ...TABLE_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey]),
    ]);
  });

  it('finds a planted key string (the check above can fail)', () => {
    // A template literal as source text (the planted code), not one to evaluate here.
    expect(KEY_PREFIX.test(['const key = { pk: `ORDER#', '$', '{id}` };'].join(''))).toBe(true);
    expect(LISTING_NAME.test("partition: 'ANOMALIES',")).toBe(true);
    expect(KEY_PREFIX.test("ConditionExpression: '#status = :status'")).toBe(false);
  });

  it("builds outbox events on their subject entity's partition", () => {
    const item = outboxItem(orderEntity.partition('ord_1'), 2, 'order.paid', '2026-11-27T10:00:00.000Z', {});
    expect(item).toMatchObject({ pk: 'ORDER#ord_1', sk: 'EVENT#00000002', entity: 'event' });
    expect(isOutboxItem(item)).toBe(true);
  });
});
