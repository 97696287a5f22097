/**
 * The extensions `tl extension add` knows, with the versions it can "install" (record in the
 * config). aks-preview is the one the Trusted Launch document needs: its Trusted Launch flags
 * exist from 1.0.0b6 (the document's prerequisite; aks-preview's HISTORY adds the flags in
 * 2.0.0b4 and its SDK gains the fields with API 2023-11-02-preview in 1.0.0b6 — we follow the
 * document). Each version talks to AKS with the preview api-version it vendors.
 */

export interface ExtensionVersion {
  readonly version: string;
  /** api-version for Microsoft.ContainerService while this version is added. */
  readonly aksApiVersion: string;
}

export interface ExtensionInfo {
  readonly name: string;
  readonly summary: string;
  readonly preview: boolean;
  /** Oldest first; the last is "latest". */
  readonly versions: readonly ExtensionVersion[];
}

export const EXTENSIONS: readonly ExtensionInfo[] = [
  {
    name: 'aks-preview',
    summary: 'Provides a preview for upcoming AKS features',
    preview: true,
    versions: [
      { version: '1.0.0b6', aksApiVersion: '2023-11-02-preview' },
      { version: '2.0.0b4', aksApiVersion: '2024-01-02-preview' },
      { version: '18.0.0b2', aksApiVersion: '2025-06-02-preview' },
    ],
  },
];

export const findExtension = (name: string): ExtensionInfo | undefined => EXTENSIONS.find((e) => e.name === name);

/** PEP 440 subset: `major.minor.patch[aN|bN|rcN]`; a pre-release sorts before its release. */
export function compareExtVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = v.match(/^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?$/);
    if (!m) return [0, 0, 0, 3, 0];
    const pre = m[4] === undefined ? 3 : ({ a: 0, b: 1, rc: 2 } as Record<string, number>)[m[4]]!;
    return [Number(m[1]), Number(m[2]), Number(m[3]), pre, Number(m[5] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
