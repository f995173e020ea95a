// The API contract: the shapes the server answers with and the web app reads, in one place that
// both compile against (web/tsconfig.json includes this folder). Types and a few constants only:
// nothing here may import from the rest of src/, nor from Node.
export * from './accounts.js';
export * from './alerts.js';
export * from './dashboards.js';
export * from './errors.js';
export * from './json.js';
export * from './lookups.js';
export * from './query.js';
export * from './respond.js';
export * from './roles.js';
export * from './routes.js';
export * from './status.js';
export * from './users.js';
