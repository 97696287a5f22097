import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixTypographicDashes } from './dashes.js';
import { UserError } from './errors.js';
import { GLOBAL_ARGS } from './globals.js';
import { parseArgs, type ParseInput } from './parse.js';
import { closeMatches, similarity } from './similar.js';
import type { ArgSpec } from './types.js';

const ARGS: ArgSpec[] = [
  { names: ['--cluster-name'], required: true, help: '' },
  { names: ['--name', '--nodepool-name', '-n'], dest: 'nodepoolName', required: true, help: '' },
  { names: ['--resource-group', '-g'], required: true, help: '' },
  { names: ['--node-count', '-c'], type: 'int', help: '' },
  { names: ['--enable-vtpm'], kind: 'flag', help: '' },
  { names: ['--mode'], choices: ['System', 'User'], help: '' },
  { names: ['--labels'], kind: 'list', help: '' },
  { names: ['--no-wait'], kind: 'flag', help: '' },
  { names: ['--node-osdisk-size'], type: 'int', help: '' },
];
const GATED: ArgSpec = { names: ['--enable-secure-boot'], kind: 'flag', extension: { name: 'aks-preview', minVersion: '1.0.0b6' }, help: '' };

function parse(line: string | string[], o: Partial<ParseInput> = {}) {
  const warnings: string[] = [];
  const r = parseArgs({
    tokens: typeof line === 'string' ? line.split(' ').filter(Boolean) : line,
    args: [...ARGS, ...GLOBAL_ARGS],
    unavailable: [GATED],
    progCommand: 'tl aks nodepool add',
    usageHints: () => ['(hints)'],
    extensionHint: (a) => `hint for ${a.names[0]}`,
    warn: (m) => warnings.push(m),
    ...o,
  });
  return { ...r, warnings };
}

function error(line: string | string[]): UserError {
  try {
    parse(line);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('no error');
}

const REQ = '--cluster-name c -g rg -n p';

describe('parseArgs (argparse semantics, az messages)', () => {
  it('reads values, flags, --opt=value, ints, lists; the last occurrence wins', () => {
    const r = parse(`${REQ} --node-count=2 -c 5 --enable-vtpm --labels a=b c=d --mode user`);
    expect(r.values).toEqual({ clusterName: 'c', resourceGroup: 'rg', nodepoolName: 'p', nodeCount: 5, enableVtpm: true, labels: ['a=b', 'c=d'], mode: 'User' });
  });

  it('accepts unique prefixes of long options and refuses ambiguous ones', () => {
    expect(parse(`${REQ} --node-c 2`).values.nodeCount).toBe(2);
    expect(error(`${REQ} --node 2`).message).toBe('ambiguous option: --node could match --nodepool-name, --node-count, --node-osdisk-size');
  });

  it('reports missing required arguments before unrecognized ones, in definition order', () => {
    const e = error('--enable-vtpm --bogus');
    expect(e).toMatchObject({ azClass: 'RequiredArgumentMissingError', exitCode: 2, message: 'the following arguments are required: --cluster-name, --name/--nodepool-name/-n, --resource-group/-g' });
  });

  it('collects unknown options with the words after them, and hints at gated ones', () => {
    const e = error(`${REQ} --foo bar baz --enable-secure-boot`);
    expect(e).toMatchObject({ azClass: 'UnrecognizedArgumentError', exitCode: 2, message: 'unrecognized arguments: --foo bar baz --enable-secure-boot' });
    expect(e.recommendations).toEqual(['hint for --enable-secure-boot', '(hints)']);
    expect(error(`${REQ} stray`).message).toBe('unrecognized arguments: stray');
  });

  it('names the argument when a value is missing or malformed', () => {
    expect(error(`${REQ} --mode`).message).toBe('argument --mode: expected one argument');
    expect(error(`${REQ} -c --enable-vtpm`).message).toBe('argument --node-count/-c: expected one argument');
    expect(error(`${REQ} -c three`).message).toBe("argument --node-count/-c: invalid int value: 'three'");
    expect(error(`${REQ} --enable-vtpm=yes`).message).toBe("argument --enable-vtpm: ignored explicit argument 'yes'");
    expect(error(`${REQ} --labels`).message).toBe('argument --labels: expected at least one argument');
  });

  it('takes a negative number as a value, not an option', () => {
    expect(parse(`${REQ} -c -1`).values.nodeCount).toBe(-1);
  });

  it('refuses a value outside the choices, naming them and the closest one', () => {
    const e = error(`${REQ} --mode Sytem`);
    expect(e.message).toBe("tl aks nodepool add: 'Sytem' is not a valid value for '--mode'. Allowed values: System, User.");
    expect(e.recommendations).toEqual(["Did you mean 'System' ?"]);
    expect(error(`${REQ} -o xml`).message).toBe("tl aks nodepool add: 'xml' is not a valid value for '--output'. Allowed values: json, jsonc, none, table, tsv, yaml, yamlc.");
  });

  it('sees --help anywhere, even without required arguments', () => {
    expect(parse('--bogus --help').help).toBe(true);
    expect(parse('-h').help).toBe(true);
  });

  it("repairs the document's `-–cluster-name` and other typographic dashes, with a warning", () => {
    const r = parse(['-g', 'rg', '-n', 'p', '-\u2013cluster-name', 'c']);
    expect(r.values.clusterName).toBe('c');
    expect(r.warnings).toEqual(["Argument '-\u2013cluster-name' contains a typographic dash (U+2013 EN DASH), as pasted from documents; it was read as '--cluster-name'."]);
    expect(parse(['\u2014cluster-name', 'c', '\u2013g', 'rg', '\u2212\u2212name=p']).values).toEqual({ clusterName: 'c', resourceGroup: 'rg', nodepoolName: 'p' });
    expect(parse([...REQ.split(' '), '--enable\u2010vtpm']).values.enableVtpm).toBe(true);
    // a typographic dash on something that is not an option stays an unrecognized argument
    expect(error([...REQ.split(' '), '\u2013\u2013frobnicate']).message).toBe('unrecognized arguments: \u2013\u2013frobnicate');
    expect(parse([...REQ.split(' '), '--labels', 'note=a\u2013b']).values.labels).toEqual(['note=a\u2013b']);
  });

  it('reads a value wrapped in typographic quotes without them, with a warning', () => {
    const r = parse(['-g', '\u201cmyResourceGroup\u201d', '--cluster-name', 'c', '-n', '\u2018p\u2019']);
    expect(r.values).toMatchObject({ resourceGroup: 'myResourceGroup', nodepoolName: 'p' });
    expect(r.warnings[0]).toBe("The value '\u201cmyResourceGroup\u201d' of --resource-group/-g is wrapped in typographic quotes, as pasted from documents; it was read as 'myResourceGroup'.");
  });

  it('never fails with anything but a UserError on arbitrary command lines (property)', () => {
    const token = fc.oneof(
      fc.constantFrom('--cluster-name', '-n', '-g', '--mode', '-c', '--labels', '--enable-vtpm', '--enable-secure-boot', '--', '-', '-\u2013', '\u2014x', '--node', '-o', '--query'),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('-', '\u2013', '\u2014', 'a', '=', ' ', 'n'), maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (tokens) => {
        try {
          parse(tokens);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          expect(e.exitCode).toBe(2);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('typographic dashes', () => {
  it('maps every dash-like prefix of an option to the option', () => {
    const dashes = ['-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe58', '\ufe63', '\uff0d'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...dashes), { minLength: 1, maxLength: 2 }), fc.stringMatching(/^[a-z][a-z0-9]{1,8}(-[a-z0-9]{1,5})?$/), (prefix, name) => {
        const fix = fixTypographicDashes(prefix.join('') + name);
        if (prefix.every((d) => d === '-')) expect(fix).toBeUndefined();
        else expect(fix?.option).toBe(`--${name}`);
      }),
    );
    expect(fixTypographicDashes('\u2013n')?.option).toBe('-n');
    expect(fixTypographicDashes('--plain')).toBeUndefined();
    expect(fixTypographicDashes('word\u2013word')).toBeUndefined();
  });
});

describe('close matches (difflib ratio, cutoff 0.7)', () => {
  it('suggests as az does', () => {
    expect(similarity('abcd', 'bcde')).toBeCloseTo(0.75);
    expect(closeMatches('grop', ['group', 'feature', 'aks'])).toEqual(['group']);
    expect(closeMatches('nodpool', ['nodepool', 'create'])).toEqual(['nodepool']);
    expect(closeMatches('zzz', ['group'])).toEqual([]);
  });
});
