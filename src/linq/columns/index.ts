// Names a table answers to beyond its physical columns: Devo's column names for the Microsoft 365
// tables (see office365.ts). The checker asks here when a name is not a column, an alias or a key.
import type { TableFamily } from '../../store/schema.js';
import { op } from '../build.js';
import type { JsonStep, TExpr } from '../ir.js';
import { MESSAGE_TRACE_NAMES, NAME_VALUE_ARRAYS, RECORD_FIELDS } from './office365.js';

const FIELDS = new Map(RECORD_FIELDS.map((f) => [f.name, f]));
const OBJECTS = new Set(RECORD_FIELDS.filter((f) => f.type === 'json').map((f) => f.name));

/** The raw record as JSON (the `message` column holds valid JSON by construction). */
function record(message: string): TExpr {
  return op('json_parse', [{ k: 'col', name: message, type: 'str' }], 'json', { trusted: true });
}

function path(message: string, steps: readonly JsonStep[]): TExpr {
  return op('json_path', [record(message)], 'json', { steps });
}

function typed(json: TExpr, type: string): TExpr {
  const s = op('json_str', [json], 'str');
  switch (type) {
    case 'json':
      return json;
    case 'int':
      return op('to_int', [s], 'int', { from: 'str' });
    case 'bool':
      return op('to_bool', [s], 'bool', { from: 'str' });
    default:
      return s;
  }
}

/**
 * A Devo column of a Management Activity API table:
 * - `rawMessage`: the raw record (`message`);
 * - a field of Microsoft's schema that is not a column (`OriginatingServer`, `Name`, …);
 * - `Parameters_<Name>` (and ExtendedProperties_, OperationProperties_, DeviceProperties_): the
 *   `Value` of the element of that array whose `Name` is <Name>;
 * - `Parameters_Raw`: the array as JSON text written with `", "` and `": "` between items, keys
 *   and values (Devo's library cuts it at `": "`); `Parameters_Name_str`: the names, as JSON text;
 * - `<Object>_<Member>[_<Member>…]`: a member of an object field (`FileData_SHA256`).
 */
function managementColumn(name: string, message: string): TExpr | undefined {
  if (name === 'rawMessage') return { k: 'col', name: message, type: 'str' };
  const field = FIELDS.get(name);
  if (field) return typed(path(message, [{ key: name }]), field.type);
  const cut = name.indexOf('_');
  if (cut <= 0 || cut === name.length - 1) return undefined;
  const head = name.slice(0, cut);
  const rest = name.slice(cut + 1);
  if (NAME_VALUE_ARRAYS.includes(head)) {
    const steps = [{ key: head }];
    if (rest === 'Raw') return op('json_pairs_text', [record(message)], 'str', { steps });
    if (rest === 'Name_str') return op('json_names_text', [record(message)], 'str', { steps });
    return op(
      'json_str',
      [op('json_find', [record(message)], 'json', { steps, key: rest })],
      'str',
    );
  }
  if (OBJECTS.has(head)) {
    const steps = [head, ...rest.split('_')].map((key) => ({ key }));
    return op('json_str', [path(message, steps)], 'str');
  }
  return undefined;
}

/** The expression a name stands for in a table of `family`, when it is one of Devo's names. */
export function devoColumn(family: TableFamily, name: string): TExpr | undefined {
  const message = family.columns.find((c) => c.derived === 'message')?.name;
  if (family.id === 'management' && message) return managementColumn(name, message);
  if (family.id === 'messagetracing') {
    const target = MESSAGE_TRACE_NAMES[name];
    const column = target ? family.columns.find((c) => c.name === target) : undefined;
    if (column) return { k: 'col', name: column.name, type: column.type === 'int' ? 'int' : 'str' };
    if (name === 'rawMessage' && message) return { k: 'col', name: message, type: 'str' };
  }
  return undefined;
}

/** Devo's names a family answers to (for completion and "did you mean"). */
export function devoColumnNames(family: TableFamily): string[] {
  if (family.id === 'management')
    return ['rawMessage', ...FIELDS.keys(), 'Parameters_Raw', 'Parameters_Name_str'];
  if (family.id === 'messagetracing') return [...Object.keys(MESSAGE_TRACE_NAMES), 'rawMessage'];
  return [];
}
