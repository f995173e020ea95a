// The layer rule (docs/architecture.md, "Layers"): the top-level folders of src/ in order, lowest
// first. A folder may import its own files and the folders of lower layers, never a folder of its
// own layer or a higher one, so the folders form no cycle. `npm run lint` checks it
// (`depcruise src`); `npm run folder-graph` draws the imports between the folders.
/** @type {readonly (readonly string[])[]} */
export const LAYERS = [
  ['util'], // logging, durations, errors, waiting: no m365hunt concepts
  ['contracts'], // the API's types, shared with the web app (types only, no Node imports)
  ['records'], // the shapes of Microsoft's records
  ['config'], // the configuration file, its secrets and the clouds' endpoints
  ['store'], // DuckDB and ClickHouse: rows, cursors, schema
  ['ingest'], // reading files and JSON arrays into the store
  ['enrich'], // GeoIP
  ['linq', 'lookups'], // the query language; lookup tables
  ['sources'], // collecting from Microsoft's APIs
  ['alerts'], // rules, the engine, notifications
  ['respond'], // stopping an account or a share
  ['simulator'], // a separate program: Microsoft's APIs on loopback (only the app and above use it)
  ['server'], // the HTTP API and the web app over ports (src/server/ports.ts)
  ['app'], // opens the store; wires collection, alerting, responding, the server and the demo
  ['cli'], // the commands
];

const folders = LAYERS.flat();
const above = (i) => LAYERS.slice(i).flat();

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...LAYERS.flatMap((layer, i) =>
      layer.map((folder) => ({
        name: `layer-${folder}`,
        comment: `src/${folder} is in layer ${i} (${layer.join(', ')}): it may import only ${
          LAYERS.slice(0, i).flat().join(', ') || 'nothing else in src'
        } (docs/architecture.md, "Layers")`,
        severity: 'error',
        from: { path: `^src/${folder}/` },
        to: {
          path: `^src/(${above(i)
            .filter((f) => f !== folder)
            .join('|')})/`,
        },
      })),
    ),
    {
      name: 'layer-undeclared',
      comment: 'every top-level folder of src/ has a layer in .dependency-cruiser.mjs (LAYERS)',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${folders.join('|')})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/',
    // Type-only imports count: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
