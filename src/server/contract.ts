// What the server answers is what the API contract (src/contracts) says, checked by the compiler.
// Most answers are the contract's own types (the ports, the dashboards); these are the server's
// types that live beside their modules, each held here to the contract's shape, so that a field
// renamed on one side fails `npm run typecheck` instead of a page in the browser.
import type { Account as StoredAccount } from './auth/accounts.js';
import type { TokenInfo as StoredToken } from './auth/tokens.js';
import type { StatusRow as CliStatusRow } from '../sources/status.js';
import type * as C from '../contracts/index.js';
import type {
  LookupDoc as StoredLookup,
  LookupVersion as StoredVersion,
} from '../store/lookups.js';
import type { DirectoryFacts as GraphFacts } from '../respond/graph/users.js';
import type { ChangeResult, PlannedChange } from '../respond/model.js';
import type { FunctionInfo } from './ports.js';
import type { AnswerLine } from './query/run.js';
import type { SavedQuery as StoredQuery } from './routes/saved.js';

/** True when every A is a B. */
type Fits<A, B> = [A] extends [B] ? true : false;
type Holds<T extends true> = T;

export type ContractChecks = [
  Holds<Fits<StoredAccount, C.Account>>,
  Holds<Fits<StoredToken, C.TokenInfo>>,
  Holds<Fits<CliStatusRow, C.StatusRow>>,
  Holds<Fits<StoredQuery, C.SavedQuery>>,
  Holds<Fits<StoredLookup, C.LookupDoc>>,
  Holds<Fits<StoredVersion, C.LookupVersion>>,
  Holds<Fits<GraphFacts, C.DirectoryFacts>>,
  Holds<Fits<PlannedChange, C.PlannedChange>>,
  Holds<Fits<ChangeResult, C.ChangeResult>>,
  Holds<Fits<FunctionInfo, C.Catalog['functions'][number]>>,
  Holds<Fits<AnswerLine, C.QueryLine>>,
];
