// The jq sandbox's lists of names: the builtins a program may call and those it may not call or
// define (docs/security.md, "Query limits and jq"). src/linq/jq-sandbox.ts checks programs against them.

/** Builtins a program may call (jq 1.7.1's `builtins`, less what reads outside the value). */
export const ALLOWED = new Set(
  (
    'IN INDEX JOIN abs acos acosh add all any arrays ascii_downcase ascii_upcase asin asinh atan atan2 ' +
    'atanh booleans bsearch capture cbrt ceil combinations contains copysign cos cosh del delpaths ' +
    'drem empty endswith erf erfc error exp exp10 exp2 explode expm1 fabs fdim finites first flatten ' +
    'floor fma fmax fmin fmod format frexp from_entries fromdate fromdateiso8601 fromjson fromstream ' +
    'gamma getpath gmtime group_by gsub has hypot implode in index indices infinite inside isempty ' +
    'isfinite isinfinite isnan isnormal iterables j0 j1 jn join keys keys_unsorted last ldexp length ' +
    'lgamma lgamma_r limit log log10 log1p log2 logb ltrimstr map map_values match max max_by min ' +
    'min_by mktime modf nan nearbyint nextafter nexttoward normals not nth nulls numbers objects path ' +
    'paths pick pow pow10 range recurse remainder repeat reverse rindex rint round rtrimstr scalars ' +
    'scalb scalbln scan select setpath significand sin sinh sort sort_by split splits sqrt ' +
    'startswith strings strptime sub tan tanh test tgamma to_entries todate todateiso8601 tojson ' +
    'tonumber tostream tostring transpose trunc truncate_stream type unique unique_by until ' +
    'utf8bytelength values walk while with_entries y0 y1 yn'
  ).split(' '),
);

/**
 * jq 1.7.1's other builtins (refused), and names jq keeps for itself: a program may not define
 * these, so that a call to one can never be taken for a call to the program's own function.
 */
export const REFUSED = new Set(
  (
    'builtins debug env get_jq_origin get_prog_origin get_search_list halt halt_error input ' +
    'input_filename input_line_number inputs localtime modulemeta now stderr strflocaltime strftime ' +
    // jq 1.8's additions, refused until someone looks at them
    'have_decnum have_literal_numbers toarray trim ltrim rtrim'
  ).split(' '),
);
