// The jq sandbox (src/linq/jq-sandbox.ts): what a program may not reach is refused on its parsed
// form, interpolations included; programs that stay inside their value compile and run in real jq.
import { afterAll, describe, expect, it } from 'vitest';
import {
  configureJq,
  jqCompileError,
  jqEvalBatch,
  JqTimeoutError,
  stopJq,
} from '../../src/linq/jq-engine.js';
import { checkJqSandbox, JqSandboxError, MAX_JQ_PROGRAM } from '../../src/linq/jq-sandbox.js';

afterAll(async () => {
  configureJq({ timeoutMs: 2_000 });
  await stopJq();
});

function refusal(program: string): JqSandboxError {
  try {
    checkJqSandbox(program);
  } catch (e) {
    if (e instanceof JqSandboxError) return e;
    throw e;
  }
  throw new Error(`accepted: ${program}`);
}

describe('jq sandbox', () => {
  // The audit's bypasses (issue 20 item 2) and the rest of what reads outside the value.
  it.each([
    ['"\\(env)"', /`env` is not allowed/],
    ['"\\($ENV)"', /`\$ENV` is not defined/],
    ['"\\(input_filename)"', /`input_filename` is not allowed/],
    ['"\\($__loc__)"', /`\$__loc__` is not allowed/],
    ['"\\(get_search_list)"', /`get_search_list` is not allowed/],
    ['"a\\("b\\(get_jq_origin)")"', /`get_jq_origin` is not allowed/],
    ['get_prog_origin', /`get_prog_origin` is not allowed/],
    ['$ENV.HOME', /`\$ENV` is not defined/],
    ['$ARGS', /`\$ARGS` is not defined/],
    ['$__prog_args', /`\$__prog_args` is not defined/],
    ['{$__loc__}', /`\$__loc__` is not allowed/],
    ['{a: env}', /`env` is not allowed/],
    ['[inputs]', /`inputs` is not allowed/],
    ['input', /`input` is not allowed/],
    ['input_line_number', /`input_line_number` is not allowed/],
    ['debug("x")', /`debug` is not allowed/],
    ['stderr', /`stderr` is not allowed/],
    ['halt_error(1)', /`halt_error` is not allowed/],
    ['now', /`now` is not allowed/],
    ['builtins', /`builtins` is not allowed/],
    ['modulemeta', /`modulemeta` is not allowed/],
    ['_match_impl("a"; null; false)', /`_match_impl` is not allowed/],
    ['import "x" as x; 1', /`import` is not allowed/],
    ['include "x"; 1', /`include` is not allowed/],
    ['x::f', /`x::f` is not allowed/],
    ['def env: 1; env', /`env` cannot be defined/],
    ['1 as $ENV | $ENV', /`\$ENV` cannot be defined/],
    ['(def f: 1; 2), f', /`f` is not allowed/],
    ['(. as $x | 1), $x', /`\$x` is not defined/],
    ['# note \\\nenv', /a comment may not hold a backslash/],
    ['@base64 "\\(env)"', /`env` is not allowed/],
    ['. as [$a] ?// {b: $ENV} | $a', /`\$ENV` cannot be defined/],
    ['reduce env as $x (0; 1)', /`env` is not allowed/],
  ])('refuses %s', (program, message) => {
    expect(refusal(program).message).toMatch(message);
  });

  it('names where in the program the refused name is', () => {
    const program = '.a | "x\\(env)"';
    expect(refusal(program).offset).toBe(program.indexOf('env'));
  });

  it('refuses a program longer than the limit before reading it', () => {
    expect(refusal(`.a${' '.repeat(MAX_JQ_PROGRAM)}`).message).toMatch(/at most 10000/);
  });

  it('refuses a program nested too deeply to check', () => {
    expect(refusal(`${'['.repeat(500)}1${']'.repeat(500)}`).message).toMatch(/nested too deeply/);
  });

  // Programs inside their value: the sandbox lets them through and real jq compiles them.
  it.each([
    '. as $x | $x',
    '. as [$a, {b: $c, $d}] ?// $a | [$a, $c, $d]',
    'reduce .[] as $x (0; . + $x)',
    'foreach .[] as $x (0; . + $x; [$x, .])',
    'if . then 1 elif 2 then 3 else 4 end',
    'try error("x") catch .',
    'label $out | 1, break $out',
    'def f(g; $x): g + $x + x; f(1; 2)',
    '{a: 1, b, "c": 2, (.d): 3, "e\\(.f)": .g | .h, if: -1}',
    '.a.b[0]?.c["d"][1:2] | .[]?',
    '@base64 "x\\(.a)" | @base64d',
    '[.[] | select(.x > 1)] | map(.y) | add // 0',
    '.a + 1 | tostring | test("a"; "x")',
    '.. | numbers',
    'def f: def g: 3; g; f',
    '. as {a: $x, "b": [$y]} | $x',
    '# a comment\n.a',
    'limit(3; repeat(1))',
    '{if: 1, then: 2}.if, .end',
    'to_entries | map(select(.key | startswith("A"))) | from_entries',
    '[paths] | length',
    'def f: f; f',
  ])('lets %s through, and jq compiles it', (program) => {
    expect(() => checkJqSandbox(program)).not.toThrow();
    expect(jqCompileError(program)).toBeNull();
  });

  it('compiles a program without running it: a program that never ends compiles at once', () => {
    expect(jqCompileError('def f: f; f')).toBeNull();
    expect(jqCompileError('[range(1e12)] | length')).toBeNull();
  });

  it('ends a program that does not end within the jq time limit, and runs the next one', () => {
    configureJq({ timeoutMs: 300 });
    try {
      expect(() => jqEvalBatch('def f: f; f', ['1'])).toThrow(JqTimeoutError);
      expect(jqEvalBatch('.a', ['{"a":1}', null])).toEqual(['1', null]);
    } finally {
      configureJq({ timeoutMs: 2_000 });
    }
  });
});
