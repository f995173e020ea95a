// A real jq (jq-wasm: jq compiled to WebAssembly) callable synchronously, for jq programs that are
// not simple paths (DuckDB calls it from a scalar function, which must answer synchronously).
//
// jq-wasm is used as shipped with three small source patches applied in memory, each checked:
//  - its stdin and stdout copy the whole buffer for every byte (quadratic): use a view and a list;
//  - it exposes only a Promise API: expose the same call synchronously;
//  - jq keeps state between runs of its main() that corrupts later runs (observed: a crash on the
//    second `map(.+1) | add`): every batch therefore runs in a fresh instance, instantiated
//    synchronously from a module compiled once.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

interface JqModule {
  rawSync(input: string, program: string, flags: string[]): string;
}

type Factory = (moduleArg: object) => Promise<unknown>;

// The WebAssembly global of Node, typed here (the project's TypeScript lib has no DOM types).
interface WasmInstance {
  readonly exports: object;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let loaded: { factory: Factory; wasm: object } | undefined;

function load(): { factory: Factory; wasm: object } {
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
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${src}\n})`,
    { filename: file },
  ) as (e: object, r: NodeJS.Require, m: object, f: string, d: string) => void;
  wrapper(mod.exports, require, mod, file, dirname(file));
  const factory =
    (mod.exports as { default?: Factory }).default ?? (mod.exports as unknown as Factory);
  loaded = { factory, wasm };
  return loaded;
}

/** A fresh jq, ready to run once. */
function instance(): JqModule {
  const { factory, wasm } = load();
  let module: JqModule | undefined;
  const ready = factory({
    instantiateWasm(
      this: JqModule,
      imports: object,
      receive: (i: WasmInstance, m: object) => unknown,
    ) {
      const inst = new Wasm.Instance(wasm, imports);
      // eslint-disable-next-line @typescript-eslint/no-this-alias -- Emscripten calls this hook on its module object, which is what we need
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

const compileChecks = new Map<string, string | null>();

/** Compiles a program once on `null`: the error text when jq rejects it, else null (cached). */
export function jqCompileError(program: string): string | null {
  const known = compileChecks.get(program);
  if (known !== undefined) return known;
  let result: string | null = null;
  try {
    instance().rawSync('null', `[(${program})?] | length`, ['-c']);
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    const lines = text.split('\n');
    result = lines.find((l) => l.startsWith('jq: error')) ?? lines[0] ?? 'jq error';
  }
  if (compileChecks.size >= 1000) compileChecks.clear();
  compileChecks.set(program, result);
  return result;
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
 * values when it gives several.
 */
export function jqEvalBatch(
  program: string,
  inputs: ReadonlyArray<string | null>,
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
  const wrapped = `[(${program})?]`;
  let lines: string[] | null = null;
  try {
    const text = instance().rawSync(docs.join('\n'), wrapped, ['-c']);
    lines = text === '' ? [] : text.split('\n');
  } catch {
    lines = null;
  }
  if (lines && lines.length === rows.length) {
    rows.forEach((r, k) => (out[r] = resultOf(lines![k])));
    return out;
  }
  // a document jq could not read: one run per row
  rows.forEach((r, k) => {
    try {
      out[r] = resultOf(instance().rawSync(docs[k]!, wrapped, ['-c']).split('\n')[0]);
    } catch {
      out[r] = null;
    }
  });
  return out;
}
