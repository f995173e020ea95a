// Every network of a MaxMind DB file with its record, for engines that look addresses up in a
// table of CIDR prefixes rather than in the file (ClickHouse's IP_TRIE dictionaries, see
// docs/geoip.md). The `maxmind` reader answers one address at a time and has no way to list
// networks, so this walks the file's search tree itself (the MaxMind DB format, "Search Tree
// Section": nodes of two records, a record pointing to a node, to the data section when it is
// above the node count, or nowhere when equal to it) and asks the reader for a record once per
// distinct data pointer. Its leaves are the networks, so a lookup by longest prefix gives exactly
// what the reader gives for every address (the files' writers already merge sibling networks
// with one record: merging here found none in the country data).
import { readFileSync } from 'node:fs';
import { Reader, type Response } from 'maxmind';

export interface MmdbNetwork<T> {
  /** `a.b.c.d/n` or `x:x:x:x:x:x:x:x/n`. */
  readonly prefix: string;
  readonly record: T;
}

export interface WalkOptions {
  /**
   * In an IPv6 file, whether the IPv4 subtree (::/96) is listed, as IPv4 networks. Subtrees of
   * ::/96 and ::ffff:0:0/96 are otherwise left out: they are IPv4 addresses, which m365hunt looks
   * up as IPv4 (docs/geoip.md).
   */
  readonly ipv4FromIpv6Tree: boolean;
}

type ReadRecord = (offset: number) => number;

function recordReaders(db: Buffer, recordSize: number): { left: ReadRecord; right: ReadRecord } {
  switch (recordSize) {
    case 24:
      return {
        left: (o) => (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!,
        right: (o) => (db[o + 3]! << 16) | (db[o + 4]! << 8) | db[o + 5]!,
      };
    case 28:
      return {
        left: (o) => ((db[o + 3]! & 0xf0) << 20) | (db[o]! << 16) | (db[o + 1]! << 8) | db[o + 2]!,
        right: (o) =>
          ((db[o + 3]! & 0x0f) << 24) | (db[o + 4]! << 16) | (db[o + 5]! << 8) | db[o + 6]!,
      };
    case 32:
      return { left: (o) => db.readUInt32BE(o), right: (o) => db.readUInt32BE(o + 4) };
  }
  throw new Error(`MaxMind DB record size ${recordSize} is not supported`);
}

export function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function ipv6Text(n: bigint): string {
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n)
    groups.push(((n >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

/**
 * Lists the networks of a MaxMind DB file, in address order, each with its record as the reader
 * decodes it (`map` turns it into what the caller keeps; null leaves the network out).
 */
export function* mmdbNetworks<T>(
  file: string,
  map: (record: Response) => T | null,
  options: WalkOptions = { ipv4FromIpv6Tree: true },
): Generator<MmdbNetwork<T>> {
  const db = readFileSync(file);
  const reader = new Reader<Response>(db);
  const { nodeCount, recordSize, nodeByteSize, ipVersion } = reader.metadata;
  const { left, right } = recordReaders(db, recordSize);
  const bits = ipVersion === 6 ? 128 : 32;
  const records = new Map<number, T | null>();

  // The address of the node being visited, as eight 16-bit groups; bits at and beyond a node's
  // depth are stale (left from an earlier path) and masked when read.
  const groups = new Uint16Array(8);
  const group = (i: number, depth: number): number => {
    const first = bits === 32 ? 16 * (i - 6) : 16 * i;
    if (first >= depth) return 0;
    if (first + 16 <= depth) return groups[i]!;
    return groups[i]! & (0xffff << (16 - (depth - first)));
  };
  const setBit = (position: number, bit: number) => {
    const p = bits === 32 ? position + 96 : position;
    const i = p >> 4;
    const mask = 1 << (15 - (p & 15));
    groups[i] = bit ? groups[i]! | mask : groups[i]! & ~mask;
  };
  /** The network at `depth`: its address text and its prefix. */
  const masked = new Uint16Array(8);
  const network = (depth: number): { address: string; prefix: string } => {
    let zeros = true; // the first six groups are zero: IPv4 in an IPv6 file
    for (let i = 0; i < 8; i++) {
      masked[i] = group(i, depth);
      if (i < 6 && masked[i] !== 0) zeros = false;
    }
    // IPv4: a v4 file, or the IPv4 subtree of an IPv6 file (::a.b.c.d/96+n is a.b.c.d/n).
    if (bits === 32 || (depth >= 96 && zeros)) {
      const address = `${masked[6]! >> 8}.${masked[6]! & 255}.${masked[7]! >> 8}.${masked[7]! & 255}`;
      return { address, prefix: `${address}/${bits === 32 ? depth : depth - 96}` };
    }
    let address = masked[0]!.toString(16);
    for (let i = 1; i < 8; i++) address += `:${masked[i]!.toString(16)}`;
    return { address, prefix: `${address}/${depth}` };
  };
  // An IPv6 file's ::/96 (IPv4, listed as such or not) and ::ffff:0:0/96 (IPv4-mapped, looked up
  // as IPv4).
  const skip = (depth: number): boolean => {
    if (bits !== 128 || depth !== 96) return false;
    for (let i = 0; i < 5; i++) if (group(i, depth) !== 0) return false;
    const g5 = group(5, depth);
    return g5 === 0 ? !options.ipv4FromIpv6Tree : g5 === 0xffff;
  };

  // Depth-first, left first, with an explicit stack of (node, depth, bit taken to reach it).
  const nodes = new Float64Array(2 * bits + 2);
  const depths = new Uint8Array(2 * bits + 2);
  const taken = new Uint8Array(2 * bits + 2);
  let top = 0;
  nodes[0] = 0;
  depths[0] = 0;
  top = 1;
  while (top > 0) {
    top--;
    const node = nodes[top]!;
    const depth = depths[top]!;
    if (depth > 0) setBit(depth - 1, taken[top]!);
    if (node === nodeCount || skip(depth)) continue;
    if (node > nodeCount) {
      const { address, prefix } = network(depth);
      let value = records.get(node);
      if (value === undefined) {
        const hit = reader.get(address);
        value = hit ? map(hit) : null;
        records.set(node, value);
      }
      if (value !== null) yield { prefix, record: value };
      continue;
    }
    const offset = node * nodeByteSize;
    nodes[top] = right(offset);
    depths[top] = depth + 1;
    taken[top] = 1;
    top++;
    nodes[top] = left(offset);
    depths[top] = depth + 1;
    taken[top] = 0;
    top++;
  }
}
