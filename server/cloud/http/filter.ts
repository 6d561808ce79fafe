import { invalidField } from '../../lib/api-error';

/** One `attribute eq "value"` comparison of a SCIM-style filter. */
export interface FilterTerm {
  attribute: string;
  value: string;
}

/**
 * Parses the subset of the SCIM filter grammar (RFC 7644 §3.4.2.2) that the
 * Beyond Identity list endpoints accept: `attr eq "value"` terms joined by
 * `and`. Attribute names are checked against `allowed`. Anything else is a 400
 * naming `filter`, never a partial match.
 */
export function parseFilter(filter: string, allowed: readonly string[]): FilterTerm[] {
  if (filter === '') return [];
  const terms: FilterTerm[] = [];
  const term = /\s*([A-Za-z_][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/iy;
  let rest = filter;
  for (;;) {
    term.lastIndex = 0;
    const match = term.exec(rest);
    if (!match) throw invalidField('filter', `unsupported filter; use attribute eq "value" with ${allowed.join(', ')}`);
    const attribute = match[1]!;
    if (!allowed.includes(attribute)) {
      throw invalidField('filter', `unsupported filter attribute "${attribute}"; use ${allowed.join(', ')}`);
    }
    terms.push({ attribute, value: match[2]!.replace(/\\(.)/g, '$1') });
    rest = rest.slice(term.lastIndex);
    if (rest.trim() === '') return terms;
    const and = /^and\s+/i.exec(rest);
    if (!and) throw invalidField('filter', 'terms must be joined with "and"');
    rest = rest.slice(and[0].length);
  }
}
