// A real server in a process of its own, stopped by signals as `serve` is (handleStopSignals): the
// test asks it for a runaway query and then for SIGTERM. Prints its address and a viewer token.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handleStopSignals } from '../../../src/util/stop-signals.js';
import { startTestServer } from '../../server/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'm365hunt-runaway-'));
const t = await startTestServer(dir);
console.log(JSON.stringify({ url: t.url, token: t.tokens.viewer }));
const signal = await handleStopSignals().stopped;
await t.close();
rmSync(dir, { recursive: true, force: true });
console.log(`stopped on ${signal}`);
process.exit(0);
