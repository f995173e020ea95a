// The shapes the API answers with are the API contract's (src/contracts), the very types the
// server answers with: nothing here redefines them. What the app adds is its own: labels.
import type { Classification } from '../../../src/contracts/alerts.js';

export type {
  Account,
  Action,
  ActionDetail,
  AlertDetail,
  AlertHistoryItem,
  AlertHunt,
  AlertSummary,
  ActionRequest,
  ApiAnswer,
  ApiBody,
  BulkTriageRequest,
  Catalog,
  Cell,
  ChangeResult,
  Classification,
  Dashboard,
  DirectoryFacts,
  ErrorBody,
  ErrorCode,
  LookupDoc,
  LookupShown,
  LookupVersion,
  Me,
  Panel,
  Plan,
  PlannedChange,
  QueryColumn as Column,
  QueryLine,
  QueryRequest,
  Role,
  SavedQuery,
  Section,
  Status,
  StatusRow,
  TokenInfo,
  TriageAnswer,
  UserPage,
} from '../../../src/contracts/index.js';
export type { AlertStatus } from '../../../src/contracts/alerts.js';
export { ROLES, atLeast } from '../../../src/contracts/roles.js';

/** The classifications, in the words the app shows them with. */
export const CLASSIFICATIONS: ReadonlyArray<{
  value: Classification;
  label: string;
  hint: string;
}> = [
  { value: 'true-positive', label: 'True positive', hint: 'malicious or unwanted activity' },
  { value: 'benign-positive', label: 'Benign positive', hint: 'suspicious, but expected here' },
  { value: 'false-positive', label: 'False positive', hint: 'the rule or the data was wrong' },
  { value: 'undetermined', label: 'Undetermined', hint: 'not enough to tell' },
];
