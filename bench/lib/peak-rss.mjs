// Runs a script as if it were the main module (`node bench/lib/peak-rss.mjs OUT SCRIPT ARGS…`) and
// writes its peak resident memory to OUT when the process exits: the figure `/usr/bin/time -v`
// gives, measured without depending on that tool.
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [out, script, ...args] = process.argv.slice(2);
if (!out || !script) throw new Error('usage: peak-rss OUT SCRIPT [ARGS…]');
process.argv = [process.argv[0], resolve(script), ...args];
process.on('exit', (code) => {
  writeFileSync(out, JSON.stringify({ code, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
});
await import(pathToFileURL(resolve(script)).href);
