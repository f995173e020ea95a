// The layer rule of docs/architecture.md ("Layers"), as `npm run lint` checks it: dependency-cruiser
// with the project's .dependency-cruiser.mjs, run on a small tree laid out like src/, fails on an
// import upward (static, type-only or dynamic), on an import within one layer, and on a folder
// without a layer, and passes the imports downward.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** Writes the files under a fresh folder and cruises its src/ with the project's rules. */
async function violations(files: Record<string, string>): Promise<Violation[]> {
  const dir = tempDir('m365hunt-layers-');
  const tsconfig = { compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const args = [depcruise, 'src', '--config', join(root, '.dependency-cruiser.mjs')];
  const run = await promisify(execFile)(process.execPath, [...args, '--output-type', 'json'], {
    cwd: dir,
  }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }));
  const out = JSON.parse(run.stdout) as { summary: { violations: Violation[] } };
  return out.summary.violations
    .map((v) => ({ rule: { name: v.rule.name }, from: v.from, to: v.to }))
    .sort((a, b) => a.from.localeCompare(b.from));
}

describe('the layer rule', () => {
  it('fails on imports upward and within a layer, passes imports downward', async () => {
    const found = await violations({
      'src/util/log.ts': 'export const log = 1;\n',
      'src/server/app.ts': "import { log } from '../util/log.js';\nexport const app = log;\n",
      'src/simulator/index.ts': 'export const sim = 1;\n',
      'src/lookups/load.ts': 'export const lookups = 1;\n',
      // upward: alerting importing the server, for types only, and the simulator on demand
      'src/alerts/engine.ts': [
        "import { app } from '../server/app.js';",
        "import type { log } from '../util/log.js';",
        'export const engine = app;',
        'export type L = typeof log;',
        '',
      ].join('\n'),
      'src/alerts/types.ts':
        "import type { app } from '../server/app.js';\nexport type A = typeof app;\n",
      'src/alerts/eval.ts':
        "export const run = async (): Promise<unknown> => import('../simulator/index.js');\n",
      // within one layer: linq and lookups
      'src/linq/compile.ts':
        "import { lookups } from '../lookups/load.js';\nexport const c = lookups;\n",
      // downward: the CLI may import anything below it
      'src/cli/main.ts':
        "import { engine } from '../alerts/engine.js';\nexport const m = engine;\n",
      // a folder with no layer
      'src/extra/x.ts': "import { log } from '../util/log.js';\nexport const x = log;\n",
    });
    expect(found).toEqual([
      { rule: { name: 'layer-alerts' }, from: 'src/alerts/engine.ts', to: 'src/server/app.ts' },
      { rule: { name: 'layer-alerts' }, from: 'src/alerts/eval.ts', to: 'src/simulator/index.ts' },
      { rule: { name: 'layer-alerts' }, from: 'src/alerts/types.ts', to: 'src/server/app.ts' },
      { rule: { name: 'layer-undeclared' }, from: 'src/extra/x.ts', to: 'src/util/log.ts' },
      { rule: { name: 'layer-linq' }, from: 'src/linq/compile.ts', to: 'src/lookups/load.ts' },
    ]);
  });
});
