// The query port over the LINQ compiler: the same compileLinq/runLinq the CLI's `query` uses.
import { compileLinq, defaultFunctions, parseTimeSpec, runLinq } from '../../linq/index.js';
import { loadLookupCatalog } from '../../store/lookups.js';
import { createCatalog, MANAGEMENT, type Catalog } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import type { FunctionInfo, QueryEngine } from '../ports.js';

export function linqEngine(store: Store): QueryEngine {
  // The catalog grows with the sub-tables found in the data; re-read it at most every 30 s.
  let catalog: { value: Catalog; at: number } | undefined;
  const currentCatalog = async () => {
    if (!catalog || Date.now() - catalog.at > 30_000) {
      catalog = { value: createCatalog(await store.subtables(MANAGEMENT.id)), at: Date.now() };
    }
    return catalog.value;
  };
  let functions: FunctionInfo[] | undefined;
  return {
    async run(text, range) {
      return runLinq(store, text, {
        from: range.from,
        to: range.to,
        catalog: await currentCatalog(),
      });
    },
    async check(text) {
      const now = new Date();
      compileLinq(text, {
        dialect: store.dialect,
        catalog: catalog?.value ?? createCatalog(),
        from: new Date(now.getTime() - 86_400_000),
        to: now,
        lookups: await loadLookupCatalog(store),
      });
    },
    functions() {
      functions ??= [...defaultFunctions().values()]
        .map((f) => ({ name: f.name, kind: f.kind, signature: f.signature, doc: f.doc }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return functions;
    },
    parseTime: (spec, now, what) => parseTimeSpec(spec, now, what),
    // JSON's string escapes (\" \\ \n \uXXXX) are LINQ's double-quoted string escapes.
    quote: (value) => JSON.stringify(value),
  };
}
