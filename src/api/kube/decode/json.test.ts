import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonStrict } from './json.js';

describe('parseJsonStrict', () => {
  it('reads every JSON value as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v);
        expect(parseJsonStrict(text).value).toEqual(JSON.parse(text));
        expect(parseJsonStrict(text).duplicates).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('reports duplicate keys with the strict decoder\'s paths', () => {
    expect(parseJsonStrict('{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"image":"x","image":"y"}]}}').duplicates).toEqual(['metadata.name', 'spec.containers[0].image']);
  });

  it("words syntax errors as Go's encoding/json does, with the offset", () => {
    const cases: [string, string][] = [
      ['', 'unexpected end of JSON input (at offset 0)'],
      ['{', 'unexpected end of JSON input (at offset 1)'],
      ['{"a" 1}', "invalid character '1' after object key (at offset 5)"],
      ['{"a":1 "b":2}', 'invalid character \'"\' after object key:value pair (at offset 7)'],
      ['[1,]', "invalid character ']' looking for beginning of value (at offset 3)"],
      ['tru', "invalid character 't' looking for beginning of value (at offset 0)"],
      ['{"a":1}x', "invalid character 'x' after top-level value (at offset 7)"],
      ['"\\q"', "invalid character 'q' in string escape code (at offset 2)"],
    ];
    for (const [input, msg] of cases) expect(() => parseJsonStrict(input), input).toThrow(new JsonSyntaxError(msg.replace(/ \(at offset \d+\)$/, ''), Number(msg.match(/offset (\d+)/)![1])));
  });

  it('keeps a __proto__ key as data, never as the prototype', () => {
    const v = parseJsonStrict('{"__proto__":{"polluted":true}}').value as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it('refuses deep nesting instead of overflowing the stack', () => {
    expect(() => parseJsonStrict('['.repeat(100_000))).toThrow(/exceeded max depth of 128/);
  });

  it('never fails with anything but JsonSyntaxError on hostile input (random and mutated bodies)', () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'web', image: 'nginx' }], nodeSelector: { a: 'true' } } });
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.tuple(fc.nat(body.length), fc.nat(body.length), fc.string({ maxLength: 8 })).map(([a, b, s]) => body.slice(0, Math.min(a, b)) + s + body.slice(Math.max(a, b)))), (input) => {
        try {
          parseJsonStrict(input);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonSyntaxError);
          expect((e as JsonSyntaxError).offset).toBeGreaterThanOrEqual(0);
          expect((e as JsonSyntaxError).offset).toBeLessThanOrEqual(input.length);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
