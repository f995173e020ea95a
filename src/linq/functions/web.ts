// Devo's URL operations whose names a Devo source gives (docs/linq.md, "URL and user-agent
// operations"): `urihost`, `uripath`, `uriquery` and `rootdomain`, as Devo's own Sigma backend
// configuration writes them. The first three read a URL with the pattern of RFC 3986, appendix B
// (lenient: Microsoft writes spaces unencoded in SharePoint URLs), and give the part as written (not
// percent-decoded: wrap it in urldecode), or null when the URL has none or it is empty: plain
// regular-expression extraction, so DuckDB and ClickHouse give the same text. `rootdomain` needs the
// Public Suffix List: a JavaScript function on DuckDB (root-domain.ts), refused on ClickHouse.
import { lit, op } from '../build.js';
import type { TExpr } from '../ir.js';
import { scalar, type ScalarFunction } from './types.js';

/** An optional scheme (RFC 3986 §3.1) and the `//` that opens an authority. */
const SCHEME = '(?:[A-Za-z][A-Za-z0-9+.-]*:)?';

/** The host of the authority: after any `user@`, before any `:port`; an IPv6 literal keeps its brackets. */
const HOST = `^${SCHEME}//(?:[^/?#]*@)?(\\[[^\\]/?#]*\\]|[^/?#:@]*)`;
/** The path: after the scheme and authority, up to `?` or `#`. */
const PATH = `^${SCHEME}(?://[^/?#]*)?([^?#]*)`;
/** The query: after the first `?` that comes before any `#`, without it. */
const QUERY = '^[^?#]*\\?([^#]*)';

/** The DuckDB function of `rootdomain` (root-domain.ts, registered by udf.ts). */
export const ROOT_DOMAIN_UDF = 'm365hunt_rootdomain';

const part = (s: TExpr, pattern: string): TExpr =>
  op('peek', [s, lit(pattern, 'str'), lit(1n, 'int')], 'str');

function uri(name: string, pattern: string, doc: string): ScalarFunction {
  return scalar({
    name,
    signature: `${name}(url)`,
    doc,
    min: 1,
    max: 1,
    check: ([u], ctx) => part(ctx.str(u!, 'A URL'), pattern),
  });
}

export const WEB_FUNCTIONS: readonly ScalarFunction[] = [
  uri(
    'urihost',
    HOST,
    'The host of a URL (https://user@contoso.sharepoint.com:443/x gives contoso.sharepoint.com; an IPv6 host keeps its brackets); null without one (a path such as /index.html).',
  ),
  uri(
    'uripath',
    PATH,
    'The path of a URL, as written (https://contoso.sharepoint.com/sites/x?a=1 gives /sites/x); null when empty.',
  ),
  uri(
    'uriquery',
    QUERY,
    'The query of a URL, as written, without the ? (https://h/p?a=1&b=2#f gives a=1&b=2); null when there is none.',
  ),
  scalar({
    name: 'rootdomain',
    signature: 'rootdomain(name)',
    doc: 'The registrable domain of a host name or URL by the Public Suffix List (a.b.example.co.uk gives example.co.uk), lower case; null for addresses, public suffixes and anything else. DuckDB only.',
    min: 1,
    max: 1,
    check: ([n], ctx) => {
      if (ctx.dialect !== 'duckdb') {
        ctx.error(
          '`rootdomain` runs on the DuckDB store only',
          ctx.call.nameSpan,
          'it reads the Public Suffix List in a JavaScript function registered on DuckDB connections; on ClickHouse, urihost(url) gives the whole host',
        );
      }
      return op('udf', [ctx.str(n!, 'A host name')], 'str', { udf: ROOT_DOMAIN_UDF });
    },
  }),
];
