import { jsonId, newRequestId, requestIdFrom } from './request-id';

describe('newRequestId', () => {
  it('makes version 4 UUIDs, all different', () => {
    const ids = Array.from({ length: 1000 }, () => newRequestId());
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('adopts a plausible correlation id, and every id it gives is a JSON string once quoted', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('trace:1/2+3=4@x.y_z')).toBe('trace:1/2+3=4@x.y_z');
    for (const bad of [
      '',
      'a b',
      'x"y',
      'back\\slash',
      'tab\t',
      'é',
      'x'.repeat(129),
      undefined,
      ['a', 'b'],
    ]) {
      const id = requestIdFrom(bad as string | string[] | undefined);
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const id of ['abc-123', 'trace:1/2+3=4@x.y_z', newRequestId(), 'odd "id" é \\ /', '\u2028', '']) {
      expect(jsonId(id)).toBe(JSON.stringify(id));
    }
  });
});
