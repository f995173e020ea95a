// The shape of a benign activity's generator: the events one user does at one moment
// (docs/simulator.md). The families of benign activity are in benign-*.ts.
import { Rng } from '../util/prng.js';
import type { TenantUser } from '../tenant/model.js';
import type { GenContext } from './context.js';
import type { ActivityEvent } from './events.js';

export type Maker = (
  g: GenContext,
  rng: Rng,
  t: number,
  u: TenantUser,
  key: string,
) => ActivityEvent[];
