/**
 * Node addresses and pod ranges, as an AKS cluster with Azure CNI overlay hands them out:
 * node IPs from the default subnet 10.224.0.0/16 (first usable .4), and one /24 pod range
 * per node from 10.244.0.0/16 onwards. Each node of a cluster holds a small index; the index
 * is recovered from the node's InternalIP, so nothing beyond the Node itself is stored.
 */
const ip = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
const NODE_BASE = (10 << 24) | (224 << 16);
const POD_BASE = (10 << 24) | (244 << 16);
/** 10.244.0.0 … 10.255.255.0: 3,072 ranges; later nodes take ranges in 100.64.0.0/10. */
const POD_RANGES_IN_10 = 12 * 256;
const CGNAT = (100 << 24) | (64 << 16);

export const nodeInternalIp = (index: number): string => ip((NODE_BASE + 4 + index) >>> 0);

export const podCidr = (index: number): string => `${ip(index < POD_RANGES_IN_10 ? (POD_BASE + index * 256) >>> 0 : (CGNAT + (index - POD_RANGES_IN_10) * 256) >>> 0)}/24`;

/** The index behind a node InternalIP, or undefined for an address not handed out here. */
export function indexOfInternalIp(address: string | undefined): number | undefined {
  const m = address?.match(/^10\.(22[4-9]|23\d)\.(\d+)\.(\d+)$/);
  if (!m) return undefined;
  const n = ((Number(m[1]) - 224) << 16) + (Number(m[2]) << 8) + Number(m[3]) - 4;
  return n >= 0 ? n : undefined;
}

/** The n-th pod IP of a /24 range (n ≥ 0 → .4 upwards, as Azure CNI overlay skips the first addresses). */
export function podIp(cidr: string, n: number): string {
  const [base] = cidr.split('/') as [string];
  const parts = base.split('.').map(Number);
  const v = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8)) >>> 0;
  return ip((v + 4 + n) >>> 0);
}
