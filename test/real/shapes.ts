// The shape of a record's values, to compare the simulator's records with real ones: the JSON type,
// and for strings the form (a GUID, a URL, an address with or without a port, Microsoft's
// CreationTime, …). Nested objects and arrays are compared by their own fields, one level deep.
import { isIP } from 'node:net';

export type Shape = string;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function stringShape(v: string): Shape {
  if (v === '') return 'string:empty';
  if (GUID.test(v)) return 'string:guid';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v)) return 'string:creation-time';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v)) return 'string:iso-z';
  // A trailing slash is a difference of its own: sharing records write SiteUrl without one.
  if (/^https?:\/\//i.test(v)) return v.endsWith('/') ? 'string:url/' : 'string:url';
  if (isIP(v) === 4) return 'string:ipv4';
  if (isIP(v) === 6) return 'string:ipv6';
  if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) return 'string:ipv4-port';
  if (/^\[[0-9a-f:.]+\]:\d+$/i.test(v)) return 'string:ipv6-port';
  if (/^(True|False)$/.test(v)) return 'string:bool-word';
  if (/^-?\d+$/.test(v)) return 'string:digits';
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return 'string:email';
  return 'string';
}

export function shapeOf(v: unknown): Shape {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return stringShape(v);
  return typeof v;
}

/** Field → the shapes seen, for one group of records. Nested fields are `Parent.Child`. */
export type FieldShapes = Map<string, Set<Shape>>;

export function addShapes(into: FieldShapes, record: Record<string, unknown>, prefix = ''): void {
  for (const [k, v] of Object.entries(record)) {
    const key = `${prefix}${k}`;
    let set = into.get(key);
    if (!set) into.set(key, (set = new Set()));
    set.add(shapeOf(v));
    if (prefix) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      addShapes(into, v as Record<string, unknown>, `${key}.`);
    }
  }
}
