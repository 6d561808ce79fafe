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
  const term = /\s*([A-Za-z_][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/iy;
  let rest = filter;
  for (;;) {
    term.lastIndex = 0;
    const match = term.exec(rest);
    if (!match) throw invalidField('filter', `unsupported filter; use attribute eq "value" with ${allowed.join(', ')}`);
    const named = match[1]!.toLowerCase();
    const attribute = allowed.find((name) => name.toLowerCase() === named);
    if (attribute === undefined) {
      throw invalidField('filter', `unsupported filter attribute "${match[1]!}"; use ${allowed.join(', ')}`);
    }
    // Once each: a repeated attribute adds nothing a caller needs, and each distinct list of
    // terms is its own prepared statement, so unbounded repeats would grow that cache without end.
    if (terms.some((t) => t.attribute === attribute)) throw invalidField('filter', `name "${attribute}" at most once`);
    terms.push({ attribute, value: match[2]!.replace(/\\(.)/g, '$1') });
    rest = rest.slice(term.lastIndex);
    if (rest.trim() === '') return terms;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw invalidField('filter', 'terms must be joined with "and"');
    rest = rest.slice(and[0].length);
  }
}

/**
 * For the lists whose spec documents no `filter`: a non-empty filter is a 400
 * naming `filter`. Answering the whole list instead would tell the caller that
 * every row matched a filter nobody applied.
 */
export function refuseFilter(filter: string): void {
  parseFilter(filter, []);
}
