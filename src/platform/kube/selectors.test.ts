import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLabels, matchesFields, matchesLabels, matchesNodeSelectorRequirement, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';

const labels = { 'kubernetes.azure.com/secure-boot': 'true', 'kubernetes.azure.com/agentpool': 'mynodepool', tier: 'web', n: '7' };

describe('label selectors (labels.Parse)', () => {
  it('parses and matches every operator', () => {
    const cases: [string, boolean][] = [
      ['', true],
      ['kubernetes.azure.com/secure-boot=true', true],
      ['kubernetes.azure.com/secure-boot==true', true],
      ['kubernetes.azure.com/secure-boot!=true', false],
      ['kubernetes.azure.com/secure-boot', true],
      ['!kubernetes.azure.com/trusted-launch', true],
      ['kubernetes.azure.com/agentpool in (nodepool1, mynodepool)', true],
      ['kubernetes.azure.com/agentpool notin (mynodepool)', false],
      ['tier=web,kubernetes.azure.com/secure-boot=true', true],
      ['tier=web,missing', false],
      ['n>5', true],
      ['n<5', false],
      ['  tier = web ', true],
    ];
    for (const [sel, want] of cases) expect(matchesLabels(labels, parseLabelSelector(sel)), sel).toBe(want);
  });

  it('refuses malformed selectors with a SelectorError', () => {
    for (const bad of ['a in b', 'a in (b', '=x', 'a=b c', 'a!', 'bad key=x', 'a=' + 'x'.repeat(70), 'n>x']) expect(() => parseLabelSelector(bad), bad).toThrow(SelectorError);
  });

  it('never throws anything else on random input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        try {
          parseLabelSelector(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SelectorError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('formats labels as kubectl prints them', () => {
    expect(formatLabels({ b: '2', a: '1' })).toBe('a=1,b=2');
    expect(formatLabels({})).toBe('<none>');
  });
});

describe('node selector requirements (node affinity)', () => {
  it('matches In, NotIn, Exists, DoesNotExist, Gt and Lt', () => {
    expect(matchesNodeSelectorRequirement(labels, { key: 'tier', operator: 'In', values: ['web', 'db'] })).toBe(true);
    expect(matchesNodeSelectorRequirement(labels, { key: 'tier', operator: 'NotIn', values: ['web'] })).toBe(false);
    expect(matchesNodeSelectorRequirement(labels, { key: 'absent', operator: 'NotIn', values: ['x'] })).toBe(true);
    expect(matchesNodeSelectorRequirement(labels, { key: 'tier', operator: 'Exists' })).toBe(true);
    expect(matchesNodeSelectorRequirement(labels, { key: 'tier', operator: 'DoesNotExist' })).toBe(false);
    expect(matchesNodeSelectorRequirement(labels, { key: 'n', operator: 'Gt', values: ['6'] })).toBe(true);
    expect(matchesNodeSelectorRequirement(labels, { key: 'tier', operator: 'Lt', values: ['6'] })).toBe(false);
  });
});

describe('field selectors (fields.ParseSelector)', () => {
  it('parses =, == and != with escapes', () => {
    expect(parseFieldSelector('spec.nodeName=n1,status.phase!=Succeeded,status.phase!=Failed')).toEqual([
      { field: 'spec.nodeName', op: '=', value: 'n1' },
      { field: 'status.phase', op: '!=', value: 'Succeeded' },
      { field: 'status.phase', op: '!=', value: 'Failed' },
    ]);
    expect(parseFieldSelector('metadata.name==a\\,b')).toEqual([{ field: 'metadata.name', op: '=', value: 'a,b' }]);
    expect(matchesFields({ 'spec.nodeName': 'n1', 'status.phase': 'Running' }, parseFieldSelector('spec.nodeName=n1,status.phase!=Failed'))).toBe(true);
    expect(() => parseFieldSelector('nonsense')).toThrow("invalid selector: 'nonsense'; can't understand 'nonsense'");
  });
});
