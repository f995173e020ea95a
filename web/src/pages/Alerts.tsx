// The triage queue (as Sentinel's incident queue): a dense, sortable table with counts per status,
// repeats of one rule on one entity grouped, filters and sort in the URL, bulk acknowledge,
// assign and close (with a classification and a reason). An alert opens whole: when its events
// happened, its entities, searches into its records (and back), its evidence, comments and
// history, and the triage steps.
import type { Me } from '../lib/types';
import { Queue } from './alerts/queue';
import { AlertView } from './alerts/view';

export { Severity, StatusBadge, classificationLabel, AlertTable } from './alerts/table';
export { AlertView } from './alerts/view';

export function Alerts({ me, selected }: { me: Me; selected?: string }) {
  return selected ? <AlertView id={selected} me={me} /> : <Queue me={me} />;
}
