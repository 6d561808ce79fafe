import { invalidField } from '../../lib/api-error';

/** One `attribute eq "value"` comparison of a SCIM-style filter. */
export interface FilterTerm {
  /** The attribute as the caller's `allowed` list spells it, whatever case the request used. */
  attribute: string;
  value: string;
}

/**
 * Parses the subset of the SCIM filter grammar (RFC 7644 §3.4.2.2) that the
 * Beyond Identity list endpoints accept: `attr eq "value"` terms joined by
 * `and`. Attribute names are checked against `allowed`. Anything else is a 400
 * naming `filter`, never a partial match.
 *
 * RFC 7644 §3.4.2.2: "Attribute names and attribute operators used in filters
 * are case insensitive", so `Traits.Username EQ "x" AND ...` is the same
 * filter as `traits.username eq "x" and ...`. Values keep their case: how a
 * value compares is up to each attribute.
 */
export function parseFilter(filter: string, allowed: readonly string[]): FilterTerm[] {
  if (filter === '') return [];
  if (allowed.length === 0) throw invalidField('filter', 'this list takes no filter');
  const terms: FilterTerm[] = [];
  for (const match of scanTerms(filter)) {
    if (!match) throw invalidField('filter', `unsupported filter; use attribute eq "value" with ${allowed.join(', ')}`);
    if (match === 'no and') throw invalidField('filter', 'terms must be joined with "and"');
    const named = match[1]!.toLowerCase();
    const attribute = allowed.find((name) => name.toLowerCase() === named);
    if (attribute === undefined) {
      throw invalidField('filter', `unsupported filter attribute "${match[1]!}"; use ${allowed.join(', ')}`);
    }
    // Once each: a repeated attribute adds nothing a caller needs, and each distinct list of
    // terms is its own prepared statement, so unbounded repeats would grow that cache without end.
    if (terms.some((t) => t.attribute === attribute)) throw invalidField('filter', `name "${attribute}" at most once`);
    terms.push({ attribute, value: unescape(match[2]!) });
  }
  return terms;
}

/**
 * The filter as a page token keeps it: attribute names lower-cased, spacing and
 * the case of `eq` and `and` dropped, values as sent. Two spellings of one
 * filter (RFC 7644 makes names and operators case-insensitive) are then the
 * same filter when a request's is checked against its page token's. A filter
 * that does not parse stays as sent: its list refuses it anyway.
 */
export function canonicalFilter(filter: string): string {
  const parts: string[] = [];
  for (const match of scanTerms(filter)) {
    if (!match || match === 'no and') return filter;
    parts.push(`${match[1]!.toLowerCase()} eq "${unescape(match[2]!).replace(/[\\"]/g, '\\$&')}"`);
  }
  return parts.join(' and ');
}

/** The `attr eq "value"` terms of `filter` in order; `undefined` or `'no and'` where it stops parsing. */
function* scanTerms(filter: string): Generator<RegExpExecArray | undefined | 'no and'> {
  const term = /\s*([A-Za-z_][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/iy;
  let rest = filter;
  if (rest.trim() === '') return;
  for (;;) {
    term.lastIndex = 0;
    const match = term.exec(rest);
    if (!match) return yield undefined;
    yield match;
    rest = rest.slice(term.lastIndex);
    if (rest.trim() === '') return;
    const and = /^and\s+/i.exec(rest);
    if (!and) return yield 'no and';
    rest = rest.slice(and[0].length);
  }
}

const unescape = (quoted: string) => quoted.replace(/\\(.)/g, '$1');

/**
 * For the lists whose spec documents no `filter`: a non-empty filter is a 400
 * naming `filter`. Answering the whole list instead would tell the caller that
 * every row matched a filter nobody applied.
 */
export function refuseFilter(filter: string): void {
  parseFilter(filter, []);
}
