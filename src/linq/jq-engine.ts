// A real jq (jq-wasm: jq compiled to WebAssembly) callable synchronously, for jq programs that are
// not simple paths (DuckDB calls it from a scalar function, which must answer synchronously).
//
// jq runs on a worker thread, never on the main one: the caller waits for its answer at most the
// jq time limit (query.jq_timeout), then the worker is ended and the call fails, so a program
// that never ends (`def f: f; f`) costs that much time once and no more. See docs/security.md,
// "Query limits and jq".
//
// jq-wasm is used as shipped with three small source patches applied in memory, each checked:
//  - its stdin and stdout copy the whole buffer for every byte (quadratic): use a view and a list;
//  - it exposes only a Promise API: expose the same call synchronously;
//  - jq keeps state between runs of its main() that corrupts later runs (observed: a crash on the
//    second `map(.+1) | add`): every batch therefore runs in a fresh instance, instantiated
//    synchronously from a module compiled once.
import { readFileSync } from 'node:fs';
import { DEFAULT_QUERY_LIMITS } from '../config/query-limits.js';
import { createRequire } from 'node:module';
import {
  MessageChannel,
  receiveMessageOnPort,
  Worker,
  type MessagePort,
} from 'node:worker_threads';

// The WebAssembly global of Node, typed here (the project's TypeScript lib has no DOM types).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: { wasm: object; src: string; file: string } | undefined;

function load(): { wasm: object; src: string; file: string } {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('jq-wasm/dist/build/jq.js');
  let src = readFileSync(file, 'utf8');
  const patch = (from: string | RegExp, to: string, what: string) => {
    const next = src.replace(from, to);
    if (next === src)
      throw new Error(`jq-wasm: unexpected source (${what}); the jq engine needs jq-wasm 1.0.x`);
    src = next;
  };
  patch('stdinBuffer = stdinBuffer.slice(1);', 'stdinBuffer = stdinBuffer.subarray(1);', 'stdin');
  patch(
    /const tmp = new Uint8Array\(stdoutBuffer\.length \+ 1\);\s*tmp\.set\(stdoutBuffer, 0\);\s*tmp\[tmp\.length - 1\] = charCode;\s*stdoutBuffer = tmp;/,
    '__out.push(charCode);',
    'stdout',
  );
  patch(
    'let stderrBuffer = new Uint8Array(0);',
    'let stderrBuffer = new Uint8Array(0); let __out = [];',
    'buffers',
  );
  patch(
    'Module.callMain([...flags, query, "/dev/stdin"]);',
    '__out = []; Module.callMain([...flags, query, "/dev/stdin"]); stdoutBuffer = Uint8Array.from(__out); __out = [];',
    'main',
  );
  patch(
    'raw(jsonString, query, flags = []) {',
    'rawSync(jsonString, query, flags = []) { return rawImpl(jsonString, query, flags); }, raw(jsonString, query, flags = []) {',
    'api',
  );
  const b64 = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(src)?.[1];
  if (!b64) throw new Error('jq-wasm: the WebAssembly binary was not found');
  const wasm = new Wasm.Module(Buffer.from(b64, 'base64'));
  loaded = { wasm, src, file };
  return loaded;
}

// The worker's code, plain JavaScript (a worker cannot load TypeScript sources): it evaluates the
// patched jq-wasm source, then answers requests, each in a fresh jq instance. A compile request
// wraps the program as `empty | (P)`, which compiles P and never runs it.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');
const { src, file, wasm, port, flag } = workerData;
const mod = { exports: {} };
vm.runInThisContext('(function (exports, require, module, __filename, __dirname) {' + src + '\\n})', { filename: file })(
  mod.exports, createRequire(file), mod, file, dirname(file));
const factory = mod.exports.default || mod.exports;
function instance() {
  let module;
  const ready = factory({
    instantiateWasm(imports, receive) {
      const inst = new WebAssembly.Instance(wasm, imports);
      module = this;
      receive(inst, wasm);
      return inst.exports;
    },
    printErr() {},
  });
  ready.catch(() => undefined);
  if (!module) throw new Error('jq-wasm did not start synchronously');
  return module;
}
function firstErrorLine(e) {
  const lines = String(e && e.message !== undefined ? e.message : e).split('\\n');
  return lines.find((l) => l.startsWith('jq: error')) || lines[0] || 'jq error';
}
function answer(request) {
  if (request.kind === 'compile') {
    try {
      instance().rawSync('null', 'empty | (\\n' + request.program + '\\n)', ['-c']);
      return { ok: true, error: null, lines: null };
    } catch (e) {
      return { ok: true, error: firstErrorLine(e), lines: null };
    }
  }
  const wrapped = '[(\\n' + request.program + '\\n)?]';
  try {
    const text = instance().rawSync(request.docs.join('\\n'), wrapped, ['-c']);
    const lines = text === '' ? [] : text.split('\\n');
    if (lines.length === request.docs.length) return { ok: true, error: null, lines };
  } catch {}
  const lines = request.docs.map((doc) => {
    try {
      return instance().rawSync(doc, wrapped, ['-c']).split('\\n')[0] || '';
    } catch {
      return '';
    }
  });
  return { ok: true, error: null, lines };
}
port.on('message', (request) => {
  let reply;
  try {
    reply = answer(request);
  } catch (e) {
    reply = { ok: false, message: String(e && e.message !== undefined ? e.message : e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 2); // DONE
  Atomics.notify(flag, 0);
});
Atomics.store(flag, 0, 1); // READY
Atomics.notify(flag, 0);
`;

/** What the worker is asked: compile a program, or run it on documents. */
type JqRequest =
  { kind: 'compile'; program: string } | { kind: 'eval'; program: string; docs: string[] };
type JqAnswer =
  { ok: true; error: string | null; lines: string[] | null } | { ok: false; message: string };

// The flag's values: 0 while a request waits; the worker stores 1 when ready, 2 after each answer.
const WAITING = 0;

/** The jq time limit per call, in milliseconds (query.jq_timeout; see configureJq). */
let jqTimeoutMs = DEFAULT_QUERY_LIMITS.jqTimeoutMs;
/** How long a new worker may take to start (not counted in the time limit). */
const START_MS = 30_000;

/** Sets the time one jq call may take (from the configuration's query.jq_timeout). */
export function configureJq(options: { timeoutMs: number }): void {
  jqTimeoutMs = options.timeoutMs;
}

export function jqTimeout(): number {
  return jqTimeoutMs;
}

/** A jq call that ran out of time: the program, not the engine, is at fault. */
export class JqTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `the jq program ran out of time (it may take ${timeoutMs} ms per batch of rows; query.jq_timeout)`,
    );
  }
}

interface JqThread {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
}

let thread: JqThread | undefined;

function start(): JqThread {
  const { src, file, wasm } = load();
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { src, file, wasm, port: port2, flag },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  worker.on('error', () => {
    if (thread?.worker === worker) thread = undefined;
  });
  const waited = Atomics.wait(flag, 0, WAITING, START_MS);
  if (waited === 'timed-out') {
    void worker.terminate();
    throw new Error('the jq worker did not start');
  }
  return { worker, port: port1, flag };
}

function call(request: JqRequest, timeoutMs = jqTimeoutMs): JqAnswer {
  thread ??= start();
  const t = thread;
  Atomics.store(t.flag, 0, WAITING);
  t.port.postMessage(request);
  const waited = Atomics.wait(t.flag, 0, WAITING, timeoutMs);
  const message = receiveMessageOnPort(t.port);
  if (waited === 'timed-out' && !message) {
    // Ending the worker stops the program wherever it is (even in a loop inside WebAssembly).
    thread = undefined;
    void t.worker.terminate();
    throw new JqTimeoutError(timeoutMs);
  }
  if (!message) throw new Error('the jq worker gave no answer');
  return message.message as JqAnswer;
}

/** Ends the jq worker (tests; a process ends it by exiting). */
export async function stopJq(): Promise<void> {
  const t = thread;
  thread = undefined;
  if (t) await t.worker.terminate();
}

const compileChecks = new Map<string, string | null>();

/**
 * Compiles a program (never runs it): the error text when jq rejects it, else null (cached).
 * Throws JqTimeoutError when jq takes longer than the jq time limit.
 */
export function jqCompileError(program: string): string | null {
  const known = compileChecks.get(program);
  if (known !== undefined) return known;
  const reply = call({ kind: 'compile', program });
  if (!reply.ok) throw new Error(`jq: ${reply.message}`);
  if (compileChecks.size >= 1000) compileChecks.clear();
  compileChecks.set(program, reply.error);
  return reply.error;
}

function resultOf(line: string | undefined): string | null {
  if (line === undefined || line === '') return null;
  const values = JSON.parse(line) as unknown[];
  if (values.length === 0) return null;
  const v = values.length === 1 ? values[0] : values;
  return v === null ? null : JSON.stringify(v);
}

/**
 * Runs a program on each JSON text (null stays null) and returns each result as JSON text: null
 * when the program gives nothing, null or an error; the value when it gives one; an array of the
 * values when it gives several. Throws JqTimeoutError past the jq time limit.
 */
export function jqEvalBatch(
  program: string,
  inputs: ReadonlyArray<string | null>,
  timeoutMs = jqTimeoutMs,
): Array<string | null> {
  const out: Array<string | null> = inputs.map(() => null);
  const rows: number[] = [];
  const docs: string[] = [];
  inputs.forEach((v, i) => {
    if (v !== null) {
      rows.push(i);
      docs.push(v);
    }
  });
  if (rows.length === 0) return out;
  const reply = call({ kind: 'eval', program, docs }, timeoutMs);
  if (!reply.ok) throw new Error(`jq: ${reply.message}`);
  const lines = reply.lines ?? [];
  rows.forEach((r, k) => (out[r] = resultOf(lines[k])));
  return out;
}
