// The offline part of a dependency audit (docs/security.md, "Audit dependencies"): npm audit needs
// an advisory service this machine cannot reach, so the lockfile is checked here for what can be
// checked without one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly optional?: boolean;
  readonly dev?: boolean;
  readonly os?: string[];
  readonly cpu?: string[];
  readonly link?: boolean;
  readonly hasInstallScript?: boolean;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const docs = readFileSync('docs/security.md', 'utf8');
const auditSection = docs.slice(docs.indexOf('## Audit dependencies'));
const entries = Object.entries(lock.packages).filter(([path, e]) => path !== '' && !e.link);

describe('dependencies', () => {
  it('every runtime dependency is listed, with its reason, in docs/security.md', () => {
    const listed = new Set(
      [...auditSection.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) =>
        [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!),
      ),
    );
    const missing = Object.keys(pkg.dependencies).filter((d) => !listed.has(d));
    expect(missing).toEqual([]);
    expect(Object.keys(pkg.dependencies).length).toBeLessThanOrEqual(20);
  });

  it('every locked package has an integrity hash and comes from registry.npmjs.org', () => {
    const problems = entries
      .filter(([, e]) => {
        // Other platforms' optional native packages are locked without a hash and never installed.
        const otherPlatform = e.optional === true && (e.os !== undefined || e.cpu !== undefined);
        const hashed = /^sha512-/.test(e.integrity ?? '');
        const registry = !e.resolved || e.resolved.startsWith('https://registry.npmjs.org/');
        return !registry || (!hashed && !otherPlatform);
      })
      .map(([path, e]) => `${path} ${e.resolved ?? ''} ${e.integrity ?? 'no integrity'}`);
    expect(problems).toEqual([]);
  });

  it('only the known packages run install scripts', () => {
    const scripts = entries
      .filter(([, e]) => e.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    expect(scripts.sort()).toEqual(['chdb', 'esbuild']);
  });
});
