// Regular expressions, globs and token searches. Both engines use RE2; every pattern built from
// user text goes through `escapeRegex` here, and the result is always bound as a parameter.

/** Escapes every ASCII punctuation character so that `text` matches itself in RE2. */
export function escapeRegex(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/**
 * Tokens are split on ASCII symbols only (ASCII characters other than letters and digits: spaces,
 * punctuation, controls); every other character, letters and symbols of other scripts included,
 * belongs to tokens (docs/linq.md, "Tests").
 */
const NOT_TOKEN_CHAR = '[\\x00-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]';

/** Whether a character belongs to tokens (anything but an ASCII symbol). */
export const isTokenChar = (c: string | undefined): boolean => {
  if (c === undefined) return false;
  const code = c.codePointAt(0)!;
  if (code > 0x7f) return true;
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a)
  );
};

/**
 * `toktains(a, v, L, R)`: v appears in a as a whole token. When v starts with a token character and
 * L is false, what precedes it must not be a token character; likewise at the end with R.
 */
export function tokenPattern(
  needle: string,
  midStart: boolean,
  midEnd: boolean,
  caseInsensitive: boolean,
): string {
  const chars = [...needle];
  const before = !midStart && isTokenChar(chars[0]) ? `(?:^|${NOT_TOKEN_CHAR})` : '';
  const after = !midEnd && isTokenChar(chars[chars.length - 1]) ? `(?:$|${NOT_TOKEN_CHAR})` : '';
  return `${caseInsensitive ? '(?i)' : ''}${before}${escapeRegex(needle)}${after}`;
}

/** `nameglob("x*")`: matches the whole value; `*` any run, `?` one character. */
export function globPattern(glob: string): string {
  let out = '';
  for (const c of glob) {
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += escapeRegex(c);
  }
  return `(?s)^${out}$`;
}

/** Letters and digits RE2 accepts after a backslash (github.com/google/re2/wiki/Syntax). */
const RE2_ESCAPES = 'abfnrtvxdDsSwWpPAzBbCQE01234567';

export interface RegexCheck {
  /** Why RE2 (the engines' regex library) cannot run it, with the offset in the pattern. */
  readonly error?: { readonly message: string; readonly at: number; readonly hint?: string };
  /** Number of capturing groups. */
  readonly groups: number;
}

/**
 * Checks a pattern for what RE2 rejects (look-around, back-references, possessive and atomic
 * groups, unbalanced brackets) and counts its capturing groups.
 */
export function checkRegex(pattern: string): RegexCheck {
  let groups = 0;
  let depth = 0;
  let inClass = false;
  const fail = (message: string, at: number, hint?: string): RegexCheck => ({
    error: { message, at, ...(hint ? { hint } : {}) },
    groups,
  });
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return fail('The regular expression ends with a lone backslash', i);
      if (!inClass && e >= '1' && e <= '9') {
        return fail(
          `Back-references (\\${e}) are not supported by RE2`,
          i,
          'the engines use RE2: capture the text and compare it instead',
        );
      }
      // RE2 knows these escapes of a letter or digit (any other character escapes itself);
      // others (\N, \e, \Z, \h, \u…) it refuses at run time: refuse them here, with their place.
      if (/[A-Za-z0-9]/.test(e) && !RE2_ESCAPES.includes(e)) {
        return fail(
          `\\${e} is not an escape RE2 knows`,
          i,
          'RE2 knows \\d \\w \\s \\b \\A \\z \\pL \\x41 \\n \\t and their kin; escape a backslash as \\\\',
        );
      }
      if (e === 'x') {
        const hex = /^\{([0-9A-Fa-f]{1,8})\}|^[0-9A-Fa-f]{2}/.exec(pattern.slice(i + 2));
        const code = hex ? parseInt(hex[1] ?? hex[0], 16) : NaN;
        if (!hex || code > 0x10ffff) {
          return fail('\\x needs two hexadecimal digits or \\x{…} of at most 10FFFF', i);
        }
        i += 1 + hex[0].length;
        continue;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (c === '(') {
      depth++;
      if (pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2, i + 4);
        if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
          return fail(
            'Look-around assertions are not supported by RE2',
            i,
            'the engines use RE2 (no look-ahead or look-behind)',
          );
        }
        if (rest.startsWith('>')) return fail('Atomic groups are not supported by RE2', i);
        if (rest.startsWith('P<') || (rest.startsWith('<') && rest !== '<=' && rest !== '<!')) {
          groups++;
        }
      } else {
        groups++;
      }
      continue;
    }
    if (c === ')') {
      if (depth === 0) return fail('Unbalanced `)` in the regular expression', i);
      depth--;
      continue;
    }
    if (c === '{') {
      // RE2 refuses a repetition count over 1000.
      const rep = /^\{(\d+)(?:,(\d*))?\}/.exec(pattern.slice(i));
      if (rep && (Number(rep[1]) > 1000 || Number(rep[2] || 0) > 1000)) {
        return fail('A repetition count is at most 1000 in RE2', i);
      }
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      return fail('Possessive quantifiers are not supported by RE2', i + 1);
    }
  }
  if (inClass) return fail('Unterminated character class `[` in the regular expression', 0);
  if (depth > 0) return fail('Unbalanced `(` in the regular expression', 0);
  return { groups };
}
