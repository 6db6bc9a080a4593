import { type RawBuilder, type SelectQueryBuilder, sql, type SqlBool } from 'kysely';
import type { OrderBy } from '../query/index.js';
import type { Database } from './schema.js';

/** A page of a list: an optional compiled query (see src/query), an order, and a window. */
export interface Listing {
  filter?: RawBuilder<SqlBool>;
  orderBy: OrderBy;
  offset: number;
  limit: number;
}

/**
 * Runs a listing over `rows` (already scoped to one tenant): the page in the requested order, ties broken by
 * `idColumn` so pages never overlap, and the number of matches in all.
 */
export async function listPage<TB extends keyof Database, Row>(
  rows: SelectQueryBuilder<Database, TB, object>,
  listing: Listing,
  idColumn: string,
  select: (query: SelectQueryBuilder<Database, TB, object>) => SelectQueryBuilder<Database, TB, Row>,
): Promise<{ rows: Row[]; total: number }> {
  const matching = listing.filter ? rows.where(listing.filter) : rows;
  const [{ total }, page] = await Promise.all([
    matching.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirstOrThrow(),
    select(matching)
      .orderBy(sql.ref(listing.orderBy.column), listing.orderBy.direction)
      .orderBy(sql.ref(idColumn))
      .offset(listing.offset)
      .limit(listing.limit)
      .execute(),
  ]);
  return { rows: page, total: Number(total) };
}
