/**
 * Print a `toTpm2ToolsTree` tree as the text tpm2_eventlog (tpm2-tools 5.8) prints, byte for byte,
 * so `tl eventlog parse FILE --yaml` can be `diff`ed against the tool (tested on every fixture).
 * The tool's quoting is per field (digests double-quoted, device paths single-quoted, SignatureData
 * bare, strings as `|-` blocks or escaped double-quoted lines), so this is a layout printer for the
 * tree's known shape, not a general YAML emitter; unknown shapes fall back to the `yaml` package.
 */
import { stringify } from 'yaml';
import type { Tree } from './tpm2-tools-tree.js';

type Obj = { [k: string]: Tree };
const isObj = (t: Tree): t is Obj => t !== null && typeof t === 'object' && !Array.isArray(t);

/** tpm2-tools `yaml_split_escape_string`: escapes, `\x20` for leading blanks, one output line per input line. */
function splitEscape(text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  const lines: string[] = [];
  let i = 0;
  do {
    let nl = bytes.indexOf(0x0a, i);
    const end = nl < 0 ? bytes.length : nl + 1;
    let leading = true;
    const out: number[] = [];
    for (let j = i; j < end; j++) {
      const c = bytes[j]!;
      const esc: Record<number, string> = { 0: '\\0', 7: '\\a', 8: '\\b', 0x0b: '\\v', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x1b: '\\e', 0x5c: '\\\\', 0x22: '\\"' };
      let e = esc[c];
      if (c === 0x09 && leading) e = '\\t';
      if (c === 0x20 && leading) e = '\\x20';
      if (c !== 0x20 && c !== 0x09) leading = false;
      if (e) for (const ch of e) out.push(ch.charCodeAt(0));
      else out.push(c);
    }
    lines.push(new TextDecoder().decode(Uint8Array.from(out)));
    i = end;
    nl = -1;
  } while (i < bytes.length);
  return lines;
}

function splitString(indent: string, field: string, text: string): string {
  const lines = splitEscape(text);
  return lines.map((l, i) => (i === 0 ? `${indent}${field}: "${l}` : `${indent}  ${l}`) + (i === lines.length - 1 ? '"\n' : '\\\n')).join('');
}

function variableData(v: Tree): string {
  if (v === undefined) return '';
  if (v === null) return '    VariableData:\n';
  if (typeof v === 'string') return `    VariableData: "${v}"\n`;
  if (Array.isArray(v)) {
    let s = '    VariableData:\n';
    for (const x of v) {
      if (typeof x === 'string') s += `    - ${x}\n`;
      else if (isObj(x) && 'Keys' in x) {
        s += `    - SignatureType: ${x.SignatureType}\n      SignatureListSize: ${x.SignatureListSize}\n      SignatureHeaderSize: ${x.SignatureHeaderSize}\n      SignatureSize: ${x.SignatureSize}\n      Keys:\n`;
        for (const k of x.Keys as Obj[]) s += `      - SignatureOwner: ${k.SignatureOwner}\n        SignatureData: ${k.SignatureData}\n`;
      } else if (isObj(x)) s += `    - SignatureOwner: ${x.SignatureOwner}\n      SignatureData: ${x.SignatureData}\n`;
    }
    return s;
  }
  if (isObj(v) && 'String' in v) return '    VariableData:\n' + splitString('      ', 'String', v.String as string);
  if (isObj(v) && 'FilePathListLength' in v) {
    return `    VariableData:\n      Enabled: '${v.Enabled}'\n      FilePathListLength: ${v.FilePathListLength}\n      Description: "${v.Description}"\n      DevicePath: '${v.DevicePath}'\n`;
  }
  if (isObj(v) && 'Enabled' in v) return `    VariableData:\n      Enabled: '${v.Enabled}'\n`;
  return generic('    ', { VariableData: v });
}

function generic(indent: string, t: Obj): string {
  return stringify(t).split('\n').filter(Boolean).map((l) => indent + l + '\n').join('');
}

function eventBody(type: string, ev: Tree): string {
  if (ev === undefined) return '';
  if (typeof ev === 'string') {
    if (type === 'EV_EFI_ACTION' || type === 'EV_EFI_HCRTM_EVENT' || type === 'EV_POST_CODE') return `  Event: |-\n    ${ev}\n`;
    return `  Event: "${ev}"\n`;
  }
  if (!isObj(ev)) return generic('  ', { Event: ev });
  if ('VariableName' in ev) {
    return `  Event:\n    VariableName: ${ev.VariableName}\n    UnicodeNameLength: ${ev.UnicodeNameLength}\n    VariableDataLength: ${ev.VariableDataLength}\n    UnicodeName: ${ev.UnicodeName}\n` + variableData(ev.VariableData as Tree);
  }
  if ('String' in ev) return '  Event:\n' + splitString('    ', 'String', ev.String as string);
  if ('ImageLocationInMemory' in ev) {
    return `  Event:\n    ImageLocationInMemory: ${ev.ImageLocationInMemory}\n    ImageLengthInMemory: ${ev.ImageLengthInMemory}\n    ImageLinkTimeAddress: ${ev.ImageLinkTimeAddress}\n    LengthOfDevicePath: ${ev.LengthOfDevicePath}\n    DevicePath: '${ev.DevicePath}'\n`;
  }
  if ('BlobDescriptionSize' in ev) return `  Event:\n    BlobDescriptionSize: ${ev.BlobDescriptionSize}\n    BlobDescription: "${ev.BlobDescription}"\n    BlobBase: ${ev.BlobBase}\n    BlobLength: ${ev.BlobLength}\n`;
  if ('BlobBase' in ev) return `  Event:\n    BlobBase: ${ev.BlobBase}\n    BlobLength: ${ev.BlobLength}\n`;
  if ('StartupLocality' in ev) return `  Event:\n    StartupLocality: ${ev.StartupLocality}\n`;
  if ('Header' in ev && isObj(ev.Header)) {
    const h = ev.Header;
    let s = `  Event:\n    Header:\n      Signature: "${h.Signature}"\n      Revision: ${h.Revision}\n      HeaderSize: ${h.HeaderSize}\n      HeaderCRC32: ${h.HeaderCRC32}\n      MyLBA: ${h.MyLBA}\n      AlternateLBA: ${h.AlternateLBA}\n      FirstUsableLBA: ${h.FirstUsableLBA}\n      LastUsableLBA: ${h.LastUsableLBA}\n      DiskGUID: ${h.DiskGUID}\n      PartitionEntryLBA: ${h.PartitionEntryLBA}\n      NumberOfPartitionEntry: ${h.NumberOfPartitionEntry}\n      SizeOfPartitionEntry: ${h.SizeOfPartitionEntry}\n      PartitionEntryArrayCRC32: ${h.PartitionEntryArrayCRC32}\n    NumberOfPartitions: ${ev.NumberOfPartitions}\n    Partitions:\n`;
    for (const p of ev.Partitions as Obj[]) {
      s += `    - PartitionTypeGUID: ${p.PartitionTypeGUID}\n      UniquePartitionGUID: ${p.UniquePartitionGUID}\n      StartingLBA: ${p.StartingLBA}\n      EndingLBA: ${p.EndingLBA}\n      Attributes: ${p.Attributes}\n      PartitionName: "${p.PartitionName}"\n`;
    }
    return s;
  }
  return generic('  ', { Event: ev });
}

function event(e: Obj): string {
  let s = '';
  if ('SpecID' in e) {
    const sp = (e.SpecID as Obj[])[0]!;
    s += `- EventNum: ${e.EventNum}\n  PCRIndex: ${e.PCRIndex}\n  EventType: ${e.EventType}\n  Digest: "${e.Digest}"\n  EventSize: ${e.EventSize}\n  SpecID:\n`;
    s += `  - Signature: ${sp.Signature}\n    platformClass: ${sp.platformClass}\n    specVersionMinor: ${sp.specVersionMinor}\n    specVersionMajor: ${sp.specVersionMajor}\n    specErrata: ${sp.specErrata}\n    uintnSize: ${sp.uintnSize}\n    numberOfAlgorithms: ${sp.numberOfAlgorithms}\n    Algorithms:\n`;
    (sp.Algorithms as Obj[]).forEach((a, i) => (s += `    - Algorithm[${i}]:\n      algorithmId: ${a.algorithmId}\n      digestSize: ${a.digestSize}\n`));
    s += `    vendorInfoSize: ${sp.vendorInfoSize}\n`;
    if ('vendorInfo' in sp) s += `    vendorInfo: "${sp.vendorInfo}"\n`;
    return s;
  }
  // The tool's SHA-1-format output has no EventNum and no list marker (see test-support/corpus.ts).
  s += 'EventNum' in e ? `- EventNum: ${e.EventNum}\n  PCRIndex: ${e.PCRIndex}\n` : `  PCRIndex: ${e.PCRIndex}\n`;
  s += `  EventType: ${e.EventType}\n  DigestCount: ${e.DigestCount}\n  Digests:\n`;
  for (const d of e.Digests as Obj[]) s += `  - AlgorithmId: ${d.AlgorithmId}\n    Digest: "${d.Digest}"\n`;
  s += `  EventSize: ${e.EventSize}\n`;
  return s + eventBody(e.EventType as string, e.Event as Tree);
}

export function formatTpm2ToolsYaml(tree: { [key: string]: Tree }): string {
  let s = '';
  if ('events' in tree) {
    s += `---\nversion: ${tree.version}\nevents:\n`;
    for (const e of tree.events as Obj[]) s += event(e);
  }
  if ('pcrs' in tree) {
    s += 'pcrs:\n';
    if (isObj(tree.pcrs)) {
      for (const [bank, pcrs] of Object.entries(tree.pcrs)) {
        s += `  ${bank}:\n`;
        for (const [i, v] of Object.entries(pcrs as Obj)) s += `    ${i.padEnd(2)} : ${v}\n`;
      }
    }
  }
  for (const k of Object.keys(tree)) if (k !== 'events' && k !== 'pcrs' && k !== 'version') s += generic('', { [k]: tree[k]! });
  return s;
}
