// What a log line may say about the name typed at a failed sign-in. People type their password
// into the name field, so a name that is not an account is never logged as typed: only its shape
// (length, kinds of characters) and a keyed hash that tells repeated attempts apart within one run
// of the server but cannot be reversed or guessed offline (the key is random and never stored).
import { createHmac, randomBytes } from 'node:crypto';

const KEY = randomBytes(32);

/** `12 characters: lower, digit, symbol; tag 1a2b3c4d`. */
export function nameShape(name: string): string {
  const kinds = [
    [/[a-z]/, 'lower'],
    [/[A-Z]/, 'upper'],
    [/[0-9]/, 'digit'],
    [/[^A-Za-z0-9]/, 'symbol'],
  ] as const;
  const present = kinds.filter(([re]) => re.test(name)).map(([, kind]) => kind);
  const tag = createHmac('sha256', KEY).update(name).digest('hex').slice(0, 8);
  return `${[...name].length} characters: ${present.join(', ') || 'none'}; tag ${tag}`;
}
