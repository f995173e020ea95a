// LINQ benchmark: the eight seed queries over generated Management Activity records in a DuckDB
// store. For each: compile time; run time; the ratio to hand-written DuckDB SQL for the same question
// in the same run (target ≤ 1.2); the ratio to jq over the same records as NDJSON files (what an
// analyst without the tool would run; Debian's jq when installed, else jq-wasm).
// Size: 500,000 records by default (a few minutes, most of it loading and jq); BENCH_SCALE=20 gives the
// 10 million of the issue.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileLinq } from '../src/linq/compile.js';
import { jqEvalBatch } from '../src/linq/jq-engine.js';
import { createCatalog, MANAGEMENT } from '../src/store/schema.js';
import { openStore } from '../src/store/open.js';
import type { SqlValue, Store } from '../src/store/store.js';
import { SEEDS } from '../test/linq/helpers/seeds.js';
import { COLLECTORS, generateRecords } from './linq-records.js';
import { printTable, scale, time, type BenchRow } from './lib/report.js';

const N = scale(500_000);
const DAYS = 7;
const END = new Date('2026-03-08T00:00:00Z');
const FROM = new Date(END.getTime() - DAYS * 86_400_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/**
 * jq reads at most this many records (BENCH_JQ_RECORDS; default all). jq streams, so its time grows
 * linearly with its input: above the sample its time is scaled to N and the table says so. At 10
 * million records jq alone would take an hour or more.
 */
const JQ_RECORDS = Math.min(N, Number(process.env.BENCH_JQ_RECORDS ?? N));
const JQ_SCALE = N / JQ_RECORDS;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const work = mkdtempSync(join(tmpdir(), 'm365hunt-linq-bench-'));
const catalog = createCatalog();

const RANGE_SQL = '"eventdate" >= $1::TIMESTAMP AND "eventdate" < $2::TIMESTAMP';
const HIDDEN = MANAGEMENT.columns
  .filter((c) => c.internal)
  .map((c) => `"${c.name}"`)
  .join(', ');

const ORDER = 'ORDER BY "eventdate" ASC NULLS LAST, "_seq" ASC NULLS LAST';
const ALL = `* EXCLUDE (${HIDDEN})`;

/**
 * The same questions as an analyst fluent in DuckDB SQL would write them, for the same answers:
 * ungrouped queries give the selected columns and then every column of the table, in event-time
 * then ingest order; grouped ones come ordered by their keys (docs/linq.md, "What a query returns").
 */
const HAND: Record<keyof typeof SEEDS, string> = {
  1: `SELECT DISTINCT "Operation", "ActorIpAddress", "UserId", split_part("hostchain", '-', 2) AS collector_id FROM management WHERE ${RANGE_SQL} AND "Operation" IN ('UserLoggedIn', 'UserLoginFailed') ORDER BY 1 NULLS LAST, 2 NULLS LAST, 3 NULLS LAST, 4 NULLS LAST`,
  2: `SELECT DISTINCT "UserId", json_extract("message", '$.AttachmentName') AS attachment FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'exchange' AND "Operation" = 'AttachmentDownload' ORDER BY 1 NULLS LAST`,
  3: `SELECT ${ALL} FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'exchange' AND "Operation" = 'Remove-AuditConfigurationPolicy' ${ORDER}`,
  4: `SELECT ${ALL} FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'securitycompliancecenter' AND contains("Operation", 'InsiderRiskPolicy') AND NOT contains("Operation", 'Get') ${ORDER}`,
  5: `SELECT json_extract_string("message", '$.ObjectId') AS file, json_extract_string("message", '$.ClientIP') AS ip, json_extract_string("message", '$.TargetUserOrGroupName') AS recipient, ${ALL} FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'onedrive' AND "Operation" = 'SharingSet' AND json_extract_string("message", '$.ObjectId') ILIKE '%strategic%' ${ORDER}`,
  6: `SELECT json_extract("message", '$.ParticipantInfo.HasForeignTenantUsers') AS foreign, ${ALL} FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'microsoftteams' AND json_extract("message", '$.ParticipantInfo.HasForeignTenantUsers') IS NOT NULL ${ORDER}`,
  7: `SELECT ${ALL} FROM management WHERE ${RANGE_SQL} AND "_subtable" = 'sharepoint' AND "Operation" = 'FileVersionsAllDeleted' ${ORDER}`,
  8: `SELECT split_part("hostchain", '-', 2) AS collector_id, ${ALL} FROM management WHERE ${RANGE_SQL} AND starts_with("hostchain", 'collector-') AND "Workload" IN ('Exchange', 'AzureActiveDirectory', 'MicrosoftTeams') ${ORDER}`,
};

/** The same questions in jq over the raw records (one NDJSON file per collector). */
const inRange = `select(.CreationTime >= "${FROM.toISOString().slice(0, 19)}" and .CreationTime < "${END.toISOString().slice(0, 19)}")`;
const collector = '(input_filename | split("/") | last | split("-")[1])';
const JQ: Record<keyof typeof SEEDS, { program: string; slurp?: boolean }> = {
  1: {
    program: `[inputs | ${inRange} | select(.Operation == "UserLoggedIn" or .Operation == "UserLoginFailed") | [.Operation, .ActorIpAddress, .UserId, ${collector}]] | unique | .[]`,
    slurp: true,
  },
  2: {
    program: `[inputs | ${inRange} | select(.Workload == "Exchange" and .Operation == "AttachmentDownload") | [.UserId, .AttachmentName]] | unique | .[]`,
    slurp: true,
  },
  3: {
    program: `${inRange} | select(.Workload == "Exchange" and .Operation == "Remove-AuditConfigurationPolicy")`,
  },
  4: {
    program: `${inRange} | select(.Workload == "SecurityComplianceCenter" and (.Operation | contains("InsiderRiskPolicy")) and (.Operation | contains("Get") | not))`,
  },
  5: {
    program: `${inRange} | select(.Workload == "OneDrive" and .Operation == "SharingSet" and (.ObjectId | ascii_downcase | contains("strategic"))) | {CreationTime, file: .ObjectId, ip: .ClientIP, recipient: .TargetUserOrGroupName}`,
  },
  6: {
    program: `${inRange} | select(.Workload == "MicrosoftTeams" and .ParticipantInfo.HasForeignTenantUsers != null) | {CreationTime, foreign: .ParticipantInfo.HasForeignTenantUsers}`,
  },
  7: {
    program: `${inRange} | select(.Workload == "SharePoint" and .Operation == "FileVersionsAllDeleted")`,
  },
  8: {
    program: `${inRange} | select(.Workload == "Exchange" or .Workload == "AzureActiveDirectory" or .Workload == "MicrosoftTeams") | [.CreationTime, ${collector}]`,
  },
};

async function drain(store: Store, sql: string, params: readonly SqlValue[]): Promise<number> {
  const stream = await store.query({ sql, params });
  let rows = 0;
  for await (const chunk of stream.chunks()) rows += chunk.length;
  return rows;
}

const systemJq = spawnSync('jq', ['--version'], { encoding: 'utf8' });
const jqName =
  systemJq.status === 0 ? `Debian ${systemJq.stdout.trim()}` : 'jq-wasm (jq 1.7 in WebAssembly)';

function runJq(q: { program: string; slurp?: boolean }, files: readonly string[]): number {
  if (systemJq.status === 0) {
    const r = spawnSync('jq', [...(q.slurp ? ['-n'] : []), '-c', q.program, ...files], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`jq failed: ${r.stderr}`);
    return r.stdout === '' ? 0 : r.stdout.trimEnd().split('\n').length;
  }
  // jq-wasm: the per-record part of the program in batches; `unique` of -n programs done here.
  let rows = 0;
  const seen = new Set<string>();
  for (const file of files) {
    const lines = spawnSync('cat', [file], { maxBuffer: 1 << 31, encoding: 'utf8' }).stdout.split(
      '\n',
    );
    const body = q.slurp
      ? q.program.replace(/^\[inputs \| /, '').replace(/\] \| unique \| \.\[\]$/, '')
      : q.program;
    const program = body.replace(collector, JSON.stringify(file.split('/').pop()!.split('-')[1]));
    for (let i = 0; i < lines.length; i += 5000) {
      for (const out of jqEvalBatch(
        program,
        lines.slice(i, i + 5000).map((l) => (l === '' ? null : l)),
      )) {
        if (out === null) continue;
        if (q.slurp) seen.add(out);
        else rows++;
      }
    }
  }
  return q.slurp ? seen.size : rows;
}

async function main(): Promise<void> {
  console.log(
    `LINQ benchmark: ${N.toLocaleString('en')} records over ${DAYS} days, DuckDB store; jq: ${jqName}`,
  );
  const store = await openStore(join(work, 'bench.duckdb'));
  const files = COLLECTORS.map((h) => join(work, `${h}.ndjson`));
  try {
    const load = await time(async () => {
      let done = 0;
      let lastShown = 0;
      for (const set of generateRecords(N, { end: END, days: DAYS, batch: 25_000 })) {
        await store.ingest({
          sets: [
            {
              family: 'management',
              tenant: '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
              client: 'contoso',
              hostchain: set.hostchain,
              contentType: null,
              origin: 'bench',
              records: set.records,
            },
          ],
        });
        if (done < JQ_RECORDS) {
          const part = set.records.slice(0, JQ_RECORDS - done);
          appendFileSync(join(work, `${set.hostchain}.ndjson`), `${part.join('\n')}\n`);
        }
        done += set.records.length;
        if (done - lastShown >= N / 10 || done === N) {
          process.stdout.write(`  loaded ${done.toLocaleString('en')} records\r`);
          lastShown = done;
        }
      }
    });
    // a collector whose records all lie past the jq sample has no file
    const bytes = files.reduce(
      (n, f) => n + (statSync(f, { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
    console.log(
      `\nloaded in ${load.seconds.toFixed(1)} s; NDJSON ${(bytes / 2 ** 20).toFixed(0)} MiB`,
    );

    const compileRows: BenchRow[] = [];
    const runRows: BenchRow[] = [];
    const jqRows: BenchRow[] = [];
    const summary: Array<Record<string, number | string>> = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
      const text = SEEDS[n];
      const options = { dialect: 'duckdb' as const, catalog, from: FROM, to: END };
      const compiled = compileLinq(text, options);
      const reps = 200;
      const c = await time(() => {
        for (let i = 0; i < reps; i++) compileLinq(text, options);
      });
      const compileMs = (c.seconds / reps) * 1000;
      compileRows.push({ name: `seed #${n}`, value: compileMs * 1000, unit: 'µs' });
      const params: SqlValue[] = [compiled.params[0]!, compiled.params[1]!];
      const linqRows = await drain(store, compiled.sql, compiled.params);
      const handRows = await drain(store, HAND[n], params);
      // the two alternate, in both orders: best of RUNS each, and the median ratio of neighbouring
      // runs as a second opinion (the noise of a shared machine hits neighbouring runs alike)
      const linqTimes: number[] = [];
      const handTimes: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const runLinq = async () =>
          linqTimes.push((await time(() => drain(store, compiled.sql, compiled.params))).seconds);
        const runHand = async () =>
          handTimes.push((await time(() => drain(store, HAND[n], params))).seconds);
        if (r % 2 === 0) {
          await runLinq();
          await runHand();
        } else {
          await runHand();
          await runLinq();
        }
      }
      const linq = Math.min(...linqTimes);
      const hand = Math.min(...handTimes);
      const ratio = linq / hand;
      const paired = median(linqTimes.map((t, i) => t / handTimes[i]!));
      const jq = await time(() =>
        runJq(
          JQ[n],
          files.filter((f) => statSync(f, { throwIfNoEntry: false })),
        ),
      );
      const jqSeconds = jq.seconds * JQ_SCALE;
      const note =
        JQ_SCALE !== 1
          ? linqRows === handRows
            ? `${linqRows} rows (jq: ${jq.result} rows of its ${JQ_RECORDS.toLocaleString('en')})`
            : `rows: LINQ ${linqRows}, SQL ${handRows}`
          : linqRows === handRows && linqRows === jq.result
            ? `${linqRows} rows`
            : `rows: LINQ ${linqRows}, SQL ${handRows}, jq ${jq.result}`;
      runRows.push({
        name: `seed #${n} LINQ`,
        value: linq,
        unit: 's',
        ratio,
        note: `hand-written SQL ${hand.toFixed(3)} s; median of paired runs ${paired.toFixed(2)}×; ${note}`,
      });
      jqRows.push({
        name: `seed #${n} LINQ`,
        value: linq,
        unit: 's',
        ratio: linq / jqSeconds,
        note:
          JQ_SCALE === 1
            ? `jq ${jq.seconds.toFixed(2)} s`
            : `jq ${jqSeconds.toFixed(1)} s, scaled ×${JQ_SCALE.toFixed(0)} from ${jq.seconds.toFixed(2)} s on ${JQ_RECORDS.toLocaleString('en')} records`,
      });
      summary.push({
        seed: n,
        compileMs,
        linq,
        hand,
        ratio,
        paired,
        jq: jqSeconds,
        jqRatio: linq / jqSeconds,
        rows: linqRows,
      });
    }
    printTable('compile time (mean of 200)', compileRows);
    printTable(
      `run time on DuckDB, ratio to hand-written SQL (best of ${RUNS} each, alternating; target ≤ 1.2×)`,
      runRows,
    );
    printTable(`run time on DuckDB, ratio to ${jqName} over the same records as NDJSON`, jqRows);
    console.log(JSON.stringify({ records: N, jq: jqName, seeds: summary }));
  } finally {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
