// Rule files with mistakes: every problem names file:line:column, as `rules validate` prints it.
import { describe, expect, it } from 'vitest';
import { formatProblem, parseRule, RuleFileError } from '../../src/alerts/rules/load.js';
import { validateRuleLinq } from '../../src/alerts/rules/validate.js';

const FILE = '/packs/t/collection-mass.yaml';

const good = `id: t/collection-mass
title: Mass download
description: Many files.
severity: high
mitre: [T1530]
kind: threshold
query: |
  from cloud.office365.management
  where Operation = "FileDownloaded"
threshold:
  by: [UserId]
  min: $min_files
  window: 10m
tunables:
  min_files: { default: 10, description: files }
entities: { user: UserId }
response: [{ action: disable-user, entity: user }]
`;

function problems(text: string): string[] {
  try {
    const rule = parseRule(text, FILE, 't');
    return validateRuleLinq(rule).map(formatProblem);
  } catch (error) {
    if (error instanceof RuleFileError) return error.problems.map(formatProblem);
    const e = error as { position?: { line?: number; column?: number }; message: string };
    return [`${FILE}:${e.position?.line}:${e.position?.column}: ${e.message}`];
  }
}

describe('rule files with mistakes', () => {
  it('a correct file has no problem', () => {
    expect(problems(good)).toEqual([]);
  });

  it('YAML syntax errors point at the line', () => {
    const [p] = problems(good.replace('by: [UserId]', 'by: [UserId'));
    expect(p).toMatch(/^\/packs\/t\/collection-mass\.yaml:1[12]:\d+: YAML syntax/);
  });

  it('unknown keys suggest the right one, at their line', () => {
    expect(problems(good.replace('threshold:\n', 'treshold:\n'))).toEqual(
      expect.arrayContaining([`${FILE}:10:1: unknown key "treshold" (did you mean "threshold"?)`]),
    );
  });

  it('wrong values say what is expected, where', () => {
    expect(problems(good.replace('severity: high', 'severity: urgent'))).toEqual([
      expect.stringMatching(/^\/packs\/t\/collection-mass\.yaml:4:11: severity: /),
    ]);
    expect(problems(good.replace('window: 10m', 'window: ten minutes'))).toEqual([
      `${FILE}:13:11: threshold.window: must be a duration such as 90s, 5m, 1h or 7d, or a $tunable`,
    ]);
  });

  it('LINQ mistakes point into the query block', () => {
    const [p] = problems(
      good.replace(
        'where Operation = "FileDownloaded"',
        'where Operation = "FileDownloaded" and nope(1)',
      ),
    );
    expect(p).toMatch(/^\/packs\/t\/collection-mass\.yaml:9:42: LINQ: .*nope/);
    const [q] = problems(
      good.replace('from cloud.office365.management', 'from cloud.office365.managment'),
    );
    expect(q).toMatch(/^\/packs\/t\/collection-mass\.yaml:8:8: LINQ: .*managment/);
  });

  it('undeclared tunables, and tunables of the wrong type', () => {
    expect(problems(good.replace('min: $min_files', 'min: $min_file'))).toEqual([
      `${FILE}:12:8: $min_file is not a declared tunable`,
    ]);
    expect(problems(good.replace('window: 10m', 'window: $min_files'))).toEqual([
      `${FILE}:13:11: $min_files is a number tunable; this needs a duration`,
    ]);
  });

  it('the id must be pack/file-name, and the file name must start with a tactic', () => {
    expect(problems(good.replace('id: t/collection-mass', 'id: t/other'))).toEqual([
      `${FILE}:1:5: id must be t/collection-mass (the pack and the file name)`,
    ]);
    let message = '';
    try {
      parseRule(good.replace('t/collection-mass', 't/mass'), '/packs/t/mass.yaml', 't');
    } catch (error) {
      message = (error as RuleFileError).problems.map(formatProblem).join('\n');
    }
    expect(message).toMatch(/mass\.yaml:1:5: the file name must start with a tactic/);
  });

  it('a rule query must not group', () => {
    const [p] = problems(good.replace('where Operation = "FileDownloaded"', 'group by UserId'));
    expect(p).toMatch(/must not group/);
  });
});
