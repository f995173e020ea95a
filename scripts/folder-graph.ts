// Prints the layers of src/ (.dependency-cruiser.mjs), the import graph between its top-level
// folders (each edge with its file count; edges inside a cycle and edges upward marked), then the
// largest source files. `npm run folder-graph [-- --files] [N]`; `npm run lint` enforces the layer
// rule (docs/architecture.md, "Layers").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The relative module specifiers a file imports, re-exports or loads with `import()`, and whether
 * each is for types only. */
function imports(file: string, text: string): { spec: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const out: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.importClause?.isTypeOnly ?? false;
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ spec: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((i) => i.spec.startsWith('.'));
}

const folderOf = (path: string): string => relative(src, path).split(sep)[0] ?? '';

interface Edge {
  files: Set<string>;
  typeOnly: boolean;
}
const edges = new Map<string, Map<string, Edge>>();
const sizes: { file: string; lines: number }[] = [];
for (const file of sourceFiles(src)) {
  const text = readFileSync(file, 'utf8');
  sizes.push({ file: relative(root, file), lines: text.split('\n').length - 1 });
  const from = folderOf(file);
  for (const { spec, typeOnly } of imports(file, text)) {
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src + sep)) continue;
    const to = folderOf(target);
    if (to === from) continue;
    const out = edges.get(from) ?? new Map<string, Edge>();
    edges.set(from, out);
    const edge = out.get(to) ?? { files: new Set<string>(), typeOnly: true };
    edge.files.add(relative(src, file));
    edge.typeOnly &&= typeOnly;
    out.set(to, edge);
  }
}

// Strongly connected components (Tarjan): an edge between two folders of one component is in a cycle.
const component = new Map<string, number>();
{
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  let next = 0;
  let count = 0;
  const folders = [
    ...new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]),
  ];
  const strong = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        component.set(w, count);
      } while (w !== v);
      count++;
    }
  };
  for (const f of folders.sort()) if (!index.has(f)) strong(f);
}

// A reader closing the pipe early (`| head`) ends the listing, not with an error.
process.stdout.on('error', () => process.exit(0));
const config = pathToFileURL(join(root, '.dependency-cruiser.mjs')).href;
const { LAYERS } = (await import(config)) as { LAYERS: readonly (readonly string[])[] };
const layerOf = new Map(LAYERS.flatMap((layer, i) => layer.map((f) => [f, i] as const)));
console.log(`Layers, lowest first: ${LAYERS.map((l) => l.join(', ')).join(' < ')}\n`);

const verbose = process.argv.includes('--files');
console.log(
  'Imports between the top-level folders of src/ (files importing; "type" = types only):',
);
let cycles = 0;
let upwards = 0;
for (const from of [...edges.keys()].sort()) {
  const out = edges.get(from)!;
  const targets = [...out.keys()].sort();
  for (const to of targets) {
    const edge = out.get(to)!;
    const inCycle = component.get(from) === component.get(to);
    if (inCycle) cycles++;
    const upward = (layerOf.get(to) ?? Infinity) >= (layerOf.get(from) ?? -Infinity);
    if (upward) upwards++;
    const note = `${edge.files.size} file${edge.files.size === 1 ? '' : 's'}${edge.typeOnly ? ', type' : ''}`;
    const mark = inCycle ? 'CYCLE ' : upward ? 'UPWARD' : '      ';
    console.log(`  ${mark} ${from} -> ${to} (${note})`);
    if (verbose && (inCycle || upward))
      for (const f of [...edge.files].sort()) console.log(`            ${f}`);
  }
}
console.log(cycles === 0 ? 'No cycles between folders.' : `${cycles} edges in cycles.`);
console.log(upwards === 0 ? 'No imports upward.' : `${upwards} edges upward or within a layer.`);

const top = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 15);
console.log(`\nLargest source files (of ${sizes.length}):`);
for (const { file, lines } of sizes.sort((a, b) => b.lines - a.lines).slice(0, top)) {
  console.log(`  ${String(lines).padStart(6)}  ${file}`);
}
