import { invalidField } from '../../lib/api-error';
import { canonicalFilter } from './filter';

/**
 * Where a page starts: after the row with this rowid, plus `skip` more rows.
 * `skip` is only ever non-zero on a first page (see `readPage`).
 */
export interface PageRequest {
  afterSeq: number;
  skip: number;
  size: number;
  filter: string;
}

interface PageTokenData {
  a: number;
  s: number;
  f: string;
}

/**
 * Reads `page_size`, `page_token`, `skip` and `filter` the way Beyond Identity
 * describes them: the token keeps the page size (a new `page_size` overrides it)
 * and the filter (a different filter is a 400, no filter means the token's);
 * `skip` is never kept, and never applied twice.
 * A page size above the maximum is clamped, as the spec allows ("may include fewer").
 */
export function readPage(
  query: Record<string, string | undefined>,
  limits: { defaultSize: number; maxSize: number },
): PageRequest {
  // A blank filter is no filter: BI's API is protobuf-shaped, where an empty
  // string and an absent one are the same value.
  // Kept in its canonical spelling, so that a page token's filter and a
  // request's compare as filters, not as text.
  let filter = canonicalFilter((query.filter ?? '').trim());
  let skip = readUint(query.skip, 'skip') ?? 0;
  let size = readUint(query.page_size, 'page_size');
  let afterSeq = 0;
  if (query.page_token) {
    const token = decodeToken(query.page_token);
    // ListIdentities: "The filter is also maintained by the page token ... If
    // specified, the request filter must match ... otherwise ... 400". Only a
    // filter that is there can fail to match; without one, the token's applies.
    const tokenFilter = canonicalFilter(token.f);
    if (filter !== '' && tokenFilter !== filter) throw invalidField('filter', 'must match the filter of the page token');
    filter = tokenFilter;
    afterSeq = token.a;
    size ??= token.s;
    // "The skip is not maintained by the page token and must be specified on
    // each subsequent request": clients send it again, but the token's rowid
    // already lies past the rows the first page skipped. Skipping again would
    // drop `skip` rows from every later page.
    skip = 0;
  }
  if (!size) size = limits.defaultSize;
  return { afterSeq, skip, size: Math.min(size, limits.maxSize), filter };
}

/** The `next_page_token` for a page whose last row has `lastSeq`, or undefined when no rows follow. */
export function nextPageToken(page: PageRequest, lastSeq: number | undefined, hasMore: boolean): string | undefined {
  if (!hasMore || lastSeq === undefined) return undefined;
  const data: PageTokenData = { a: lastSeq, s: page.size, f: page.filter };
  return Buffer.from(JSON.stringify(data)).toString('base64url');
}

function decodeToken(raw: string): PageTokenData {
  try {
    const data = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<PageTokenData>;
    if (
      Number.isSafeInteger(data.a) && (data.a as number) >= 0 &&
      Number.isSafeInteger(data.s) && (data.s as number) > 0 &&
      typeof data.f === 'string'
    ) {
      return data as PageTokenData;
    }
  } catch {
    // fall through: any undecodable token is the same client error
  }
  throw invalidField('page_token', 'invalid page token');
}

function readUint(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) throw invalidField(field, 'must be a non-negative integer');
  return Number(value);
}

/** One page of mapped rows, with the envelope's `total_size` and `next_page_token`. */
export interface PageOf<T> {
  items: T[];
  total_size: number;
  next_page_token?: string;
}

/**
 * Turns `size + 1` fetched rows into a page: the extra row only says that more
 * follow. Each row carries its rowid as `seq`, the keyset cursor.
 */
export function takePage<R extends { seq: number }, T>(
  rows: R[],
  req: PageRequest,
  total: number,
  map: (row: R) => T,
): PageOf<T> {
  const page = rows.slice(0, req.size);
  const next = nextPageToken(req, page.at(-1)?.seq, rows.length > req.size);
  return next
    ? { items: page.map(map), total_size: total, next_page_token: next }
    : { items: page.map(map), total_size: total };
}
