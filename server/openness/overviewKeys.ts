import type { HubConfig } from '../../config/env.ts';

/** Labels for orders whose product names no brand or township, so every fen lands in some bucket. */
export const NO_BRAND = '其他';
export const NO_TOWNSHIP = '未注明';

/** Redis keys of the big-screen counters, all under `${REDIS_PREFIX}:overview:`. */
export function overviewKeys(config: Pick<HubConfig, 'REDIS_PREFIX'>) {
  const base = `${config.REDIS_PREFIX}:overview`;
  return {
    base,
    /** hash {fen, orders}: GMV (commerce/orders/gmv.ts) over all time and its orders. */
    total: `${base}:total`,
    /** hash {fen, orders} per Shanghai day. */
    day: (date: string) => `${base}:day:${date}`,
    /** sorted sets of GMV fen by session id, brand, township, product id. */
    bySession: `${base}:z:session`,
    byBrand: `${base}:z:brand`,
    byTownship: `${base}:z:township`,
    byProduct: `${base}:z:product`,
    /** hash {fen, orders} per epoch minute, kept two hours. */
    minute: (epochMinute: number) => `${base}:minute:${epochMinute}`,
    /** set of live session ids, and hash session id -> current viewers. */
    live: `${base}:live`,
    viewers: `${base}:viewers`,
    /** hashes program -> fen. */
    subsidyApproved: `${base}:subsidy:approved`,
    subsidyPaid: `${base}:subsidy:paid`,
    /** hash {procurementFen, householdSalesFen} and the set of household registry numbers reached. */
    poverty: `${base}:poverty`,
    povertyHouseholds: `${base}:poverty:households`,
    /** Bumped on every update so a screen can ignore pushes older than its snapshot. */
    version: `${base}:version`,
    /** ISO time of the last rebuild from the database. */
    builtAt: `${base}:builtAt`,
    /** Present while a rebuild runs; orders counted meanwhile are journalled for its catch-up. */
    rebuilding: `${base}:rebuilding`,
    journal: `${base}:journal`,
    /** Ids of orders that left GMV while a rebuild runs (its scan checks what it read against them). */
    reversedDuringRebuild: `${base}:journal:reversed`,
    /** Temporary keys a rebuild fills before swapping them in. */
    staging: (name: string) => `${base}:staging:${name}`,
    /** Marks an event already counted (an event delivered twice counts once). */
    seen: (event: string, id: string) => `${base}:seen:${event}:${id}`,
    /** Pub/sub channel every web process relays to its '/screen' sockets. */
    channel: `${base}:push`,
  };
}

export type OverviewKeys = ReturnType<typeof overviewKeys>;

export const DAY_KEY_TTL_SECONDS = 3 * 24 * 3600;
export const MINUTE_KEY_TTL_SECONDS = 2 * 3600;
export const PER_MINUTE_WINDOW = 60;
