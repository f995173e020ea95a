// The compact view of a wide answer (no DOM here: the tests import it). A LINQ `select` keeps
// the table's columns after the selected ones (Devo's meaning, docs/linq.md), so most answers
// have forty columns; the grid shows the ones an analyst reads first and the field list adds
// the others.
import type { Cell, Column } from './types.js';

/**
 * Columns an analyst reads first in a record of the audit tables, in the order they are read:
 * who, did what, to what, for whom, from where.
 */
const FIRST = [
  'eventdate',
  'UserId',
  'userPrincipalName',
  'Operation',
  'ObjectId',
  'TargetUserOrGroupName',
  'appDisplayName',
  'senderAddress',
  'recipientAddress',
  'subject',
  'srcIp',
  'ipAddress',
  'Workload',
];
/** Bookkeeping columns: there, but rarely what one reads. */
const LATER = new Set([
  'message',
  'hostchain',
  'client',
  'CreationTime',
  'OrganizationId',
  'UserKey',
  'RecordType',
  'Id',
  'id',
  'UserType',
]);
/** Where Microsoft puts the address; `srcIp` is the one of them the record has (docs/store.md). */
const ADDRESSES = new Set(['ClientIP', 'ActorIpAddress', 'ClientIPAddress']);

/**
 * Every column of a narrow answer; of a wide one, the columns the query names, then the ones
 * analysts read first, then the others, leaving out columns empty in every row loaded and the
 * raw address fields when `srcIp` has the address; 9 at most, in that order.
 */
export function defaultColumns(
  columns: readonly Column[],
  rows: readonly Cell[][],
  query: string,
): string[] {
  const names = columns.map((c) => c.name);
  if (names.length <= 9) return names;
  const sample = rows.slice(0, 500);
  const filled = (name: string) => {
    const i = names.indexOf(name);
    return sample.length === 0 || sample.some((r) => r[i] !== null && r[i] !== '');
  };
  const named = (n: string) => new RegExp(`\\b${n.replace(/\W/g, '\\$&')}\\b`).test(query);
  const hasSrcIp = names.includes('srcIp') && filled('srcIp');
  const skip = (n: string) => LATER.has(n) || (hasSrcIp && ADDRESSES.has(n) && !named(n));
  const inQuery = names.filter((n) => !LATER.has(n) && n !== 'eventdate' && named(n));
  const picked = [
    ...(names.includes('eventdate') ? ['eventdate'] : []),
    ...inQuery,
    ...FIRST.filter((n) => names.includes(n) && filled(n)),
    ...names.filter((n) => !skip(n) && filled(n)),
  ];
  return [...new Set(picked)].slice(0, 9);
}
