// Every network of a MaxMind DB file with its record, for engines that look addresses up in a
// table of CIDR prefixes rather than in the file (ClickHouse's IP_TRIE dictionaries, see
// docs/geoip.md). The `maxmind` reader answers one address at a time and has no way to list
// networks, so this walks the file's search tree itself (the MaxMind DB format, "Search Tree
// Section": nodes of two records, a record pointing to a node, to the data section when it is
// above the node count, or nowhere when equal to it) and asks the reader for a record once per
// distinct data pointer. Sibling networks with the same record are merged into their parent, so
// a lookup by longest prefix gives exactly what the reader gives for every address.
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
      return { left: (o) => db.readUIntBE(o, 3), right: (o) => db.readUIntBE(o + 3, 3) };
    case 28:
      return {
        left: (o) => ((db[o + 3]! & 0xf0) << 20) | db.readUIntBE(o, 3),
        right: (o) => ((db[o + 3]! & 0x0f) << 24) | db.readUIntBE(o + 4, 3),
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

  // A pointer's record, decoded by the reader from an address of the network (one per pointer).
  const recordOf = (pointer: number, address: bigint): T | null => {
    let value = records.get(pointer);
    if (value === undefined) {
      const text = bits === 32 ? ipv4Text(Number(address)) : ipv6Text(address);
      const hit = reader.get(text);
      value = hit ? map(hit) : null;
      records.set(pointer, value);
    }
    return value;
  };

  const network = (depth: number, address: bigint, value: T): MmdbNetwork<T> => {
    // The IPv4 subtree of an IPv6 file: ::a.b.c.d/96+n is a.b.c.d/n.
    if (bits === 128 && depth >= 96 && address >> 32n === 0n) {
      return { prefix: `${ipv4Text(Number(address))}/${depth - 96}`, record: value };
    }
    return {
      prefix: `${bits === 32 ? ipv4Text(Number(address)) : ipv6Text(address)}/${depth}`,
      record: value,
    };
  };

  // Leaves come in address order (left first). Siblings with one pointer merge into their
  // parent: a leaf that is a left child waits on the stack for its sibling; one that is a right
  // child and did not merge ends every network before it.
  interface Leaf {
    depth: number;
    address: bigint;
    pointer: number;
  }
  const stack: Leaf[] = [];
  const ready: MmdbNetwork<T>[] = [];
  const flush = () => {
    for (const leaf of stack) {
      const value = recordOf(leaf.pointer, leaf.address);
      if (value !== null) ready.push(network(leaf.depth, leaf.address, value));
    }
    stack.length = 0;
  };
  const isLeft = (depth: number, address: bigint) =>
    depth === 0 || ((address >> BigInt(bits - depth)) & 1n) === 0n;
  const push = (leaf: Leaf) => {
    let top = stack[stack.length - 1];
    while (
      top &&
      top.depth === leaf.depth &&
      top.pointer === leaf.pointer &&
      leaf.depth > 0 &&
      isLeft(top.depth, top.address) &&
      !isLeft(leaf.depth, leaf.address) &&
      top.address + (1n << BigInt(bits - leaf.depth)) === leaf.address
    ) {
      stack.pop();
      leaf = { depth: leaf.depth - 1, address: top.address, pointer: leaf.pointer };
      top = stack[stack.length - 1];
    }
    stack.push(leaf);
    if (!isLeft(leaf.depth, leaf.address)) flush();
  };
  // An IPv6 file's ::/96 (IPv4, listed as such or not) and ::ffff:0:0/96 (IPv4-mapped, looked up
  // as IPv4).
  const skip = (depth: number, address: bigint): boolean =>
    bits === 128 &&
    depth === 96 &&
    (address === 0n ? !options.ipv4FromIpv6Tree : address === 0xffffn << 32n);

  // Depth-first, left first, with an explicit stack of nodes to visit.
  const todo: Array<{ node: number; depth: number; address: bigint }> = [
    { node: 0, depth: 0, address: 0n },
  ];
  while (todo.length > 0) {
    const { node, depth, address } = todo.pop()!;
    if (node === nodeCount || skip(depth, address)) {
      flush(); // a gap: nothing merges across it
    } else if (node > nodeCount) {
      push({ depth, address, pointer: node });
    } else {
      const offset = node * nodeByteSize;
      const bit = 1n << BigInt(bits - depth - 1);
      todo.push({ node: right(offset), depth: depth + 1, address: address | bit });
      todo.push({ node: left(offset), depth: depth + 1, address });
    }
    if (ready.length > 0) {
      yield* ready;
      ready.length = 0;
    }
  }
  flush();
  yield* ready;
}
