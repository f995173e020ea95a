// Shared helpers for benchmarks: timing, peak memory and a printed table with a ratio column.
// Ratios are measured against a baseline timed in the same run, because machines are noisy.

export interface BenchRow {
  name: string;
  /** The measured value (seconds, records/s, MiB, …). */
  value: number;
  unit: string;
  /** value ÷ baseline value, when the row has a baseline. */
  ratio?: number;
  note?: string;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ seconds: number; result: T }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

/** Best of n runs (after one warm-up), in seconds: the least noisy figure on a shared machine. */
export async function bestOf(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, (await time(fn)).seconds);
  return best;
}

/** Peak resident memory of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function printTable(title: string, rows: BenchRow[]): void {
  const fmt = (n: number) =>
    Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
  const lines = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    r.note ?? '',
  ]);
  const header = ['measure', 'value', 'ratio', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n## ${title}\n`);
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const l of lines) console.log(line(l));
}

/** Scale factor for benchmark sizes: BENCH_SCALE=10 runs ten times the default size. */
export function scale(defaultSize: number): number {
  const factor = Number(process.env.BENCH_SCALE ?? '1');
  return Math.max(
    1,
    Math.round(defaultSize * (Number.isFinite(factor) && factor > 0 ? factor : 1)),
  );
}
