import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { PolicyModel, BudgetCategoryModel } from './policy.model.ts';
import { dehua2020 } from '../../../config/policies/dehua-2020.ts';
import { CATEGORY_LABELS } from '../../../config/policies/categories.ts';
import type { PolicyDocument } from '../../../config/policies/types.ts';
import type { HubContext } from '../../platform/context.ts';
import { isDuplicateKeyError, notFound } from '../../platform/errors.ts';
import { componentLogger } from '../../platform/logger.ts';
import { policyChanges, type PolicyChange } from './policyDiff.ts';

export { programRule } from './rules.ts';

const log = componentLogger('policy');

/** Policies shipped with the hub, loaded into the database at first start. */
export const BUILT_IN_POLICIES: PolicyDocument[] = [dehua2020];

/** A published version as the store keeps it. */
export interface PolicyEntry {
  version: string;
  sequence: number;
  basedOn: string | null;
  effectiveFrom: Date;
  effectiveTo: Date | null;
  publishedBy: string;
  publishedAt: Date | null;
  document: PolicyDocument;
}

/** Start of a Beijing calendar day, the instant a version takes effect. */
export const beijingDayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
export const beijingDayEnd = (day: string) => new Date(`${day}T23:59:59.999+08:00`);

export function allocatedFen(totalFundFen: number, shareBasisPoints: number): number {
  // Integer arithmetic: share in basis points of the fund, rounded down to the fen.
  return Math.floor((totalFundFen * shareBasisPoints) / 10000);
}

/** The budget categories (their share of the configured fund) of one version. */
export async function writeBudgetCategories(policy: PolicyDocument, totalFundFen: number): Promise<void> {
  for (const category of policy.budgetCategories) {
    await BudgetCategoryModel.updateOne(
      { policyVersion: policy.version, code: category.code },
      {
        $set: {
          nameZh: category.nameZh,
          nameEn: category.nameEn,
          section: category.section,
          shareBasisPoints: category.shareBasisPoints,
          allocatedFen: allocatedFen(totalFundFen, category.shareBasisPoints),
        },
      },
      { upsert: true },
    );
  }
}

/** Seeds built-in policies and the budget categories when absent; fills in what older copies lack. */
export async function ensurePolicies(totalFundFen: number): Promise<void> {
  for (const [index, policy] of BUILT_IN_POLICIES.entries()) {
    try {
      const existing = await PolicyModel.findOne({ version: policy.version }).lean();
      if (!existing) {
        await PolicyModel.create({
          version: policy.version,
          sequence: index + 1,
          effectiveFrom: beijingDayStart(policy.effectiveFrom),
          effectiveTo: policy.effectiveTo ? beijingDayEnd(policy.effectiveTo) : null,
          document: policy,
        });
        log.info({ version: policy.version }, 'loaded policy');
      } else if (existing.sequence === undefined || !(existing.document as PolicyDocument).categoryLabels) {
        // A copy stored before versions were numbered and categories labelled in the document.
        await PolicyModel.updateOne(
          { version: policy.version },
          {
            $set: {
              sequence: existing.sequence ?? index + 1,
              'document.categoryLabels': (existing.document as PolicyDocument).categoryLabels ?? CATEGORY_LABELS,
            },
          },
        );
      }
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    await writeBudgetCategories(policy, totalFundFen);
  }
}

/**
 * The cache. A process keeps policies in memory only while it listens to the publications channel
 * (watchPolicyPublications): a publication clears every listening process's cache at once, so no process
 * assesses under a version it missed. A process that does not listen reads the database each time.
 */
const cache = {
  generation: 0,
  documents: new Map<string, PolicyDocument>(),
  entries: null as PolicyEntry[] | null,
};
const watchers = new Map<HubContext, { subscriber: Redis; ready: Promise<void> }>();
let listening = 0;
const changes = new EventEmitter();

function cacheOn(): boolean {
  return listening > 0;
}

/** Forgets every cached policy (a version was published here or in another process). */
export function invalidatePolicyCache(): void {
  cache.generation += 1;
  cache.documents.clear();
  cache.entries = null;
}

export const policyChannel = (prefix: string) => `${prefix}:policy-published`;

/** Subscribes this process to publications (idempotent per context); web and worker processes both call it. */
export async function watchPolicyPublications(ctx: HubContext): Promise<void> {
  const existing = watchers.get(ctx);
  if (existing) return existing.ready;
  const subscriber = ctx.redis.duplicate();
  subscriber.on('message', (_channel: string, version: string) => {
    invalidatePolicyCache();
    log.info({ version }, 'policy published: cache cleared');
    changes.emit('published', version);
  });
  const ready = (async () => {
    await subscriber.subscribe(policyChannel(ctx.config.REDIS_PREFIX));
    // Only now may this process cache: from here on it hears every publication.
    invalidatePolicyCache();
    listening += 1;
  })();
  watchers.set(ctx, { subscriber, ready });
  return ready;
}

export async function stopWatchingPolicyPublications(ctx: HubContext): Promise<void> {
  const watcher = watchers.get(ctx);
  if (!watcher) return;
  watchers.delete(ctx);
  await watcher.ready.catch(() => undefined);
  listening -= 1;
  watcher.subscriber.disconnect();
  invalidatePolicyCache();
}

/** Calls `listener` with the version each time a publication reaches this process. */
export function onPolicyPublished(listener: (version: string) => void): () => void {
  changes.on('published', listener);
  return () => changes.off('published', listener);
}

/** Tells every process (this one included) that a version was published. */
export async function announcePolicy(ctx: HubContext, version: string): Promise<void> {
  invalidatePolicyCache();
  await ctx.redis.publish(policyChannel(ctx.config.REDIS_PREFIX), version);
}

function toEntry(r: Record<string, any>): PolicyEntry {
  return {
    version: r.version,
    sequence: r.sequence ?? 1,
    basedOn: r.basedOn ?? null,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo ?? null,
    publishedBy: r.publishedBy ?? 'system',
    publishedAt: r.createdAt ?? null,
    document: r.document as PolicyDocument,
  };
}

/** Every published version, oldest first. */
export async function policyEntries(): Promise<PolicyEntry[]> {
  if (cacheOn() && cache.entries) return cache.entries;
  const generation = cache.generation;
  const entries = (await PolicyModel.find({}, { pendingAudit: 0 }).sort({ sequence: 1 }).lean()).map(toEntry);
  // A publication that arrived during the read must not be overwritten by what the read saw.
  if (cacheOn() && generation === cache.generation) cache.entries = entries;
  return entries;
}

export async function getPolicy(version: string): Promise<PolicyDocument> {
  const cached = cacheOn() ? cache.documents.get(version) : undefined;
  if (cached) return cached;
  const generation = cache.generation;
  const record = await PolicyModel.findOne({ version }, { document: 1 }).lean();
  if (!record) throw notFound(`Policy ${version}`);
  const document = record.document as PolicyDocument;
  if (cacheOn() && generation === cache.generation) cache.documents.set(version, document);
  return document;
}

/**
 * The version in force at an instant: the latest published version whose effective date has come. Before any
 * has, the configured one (HUB_POLICY_VERSION). A version whose stated period has passed stays in force until a
 * successor takes effect (the county has not published one).
 */
export function versionInForceAmong(entries: PolicyEntry[], at: Date, fallback: string): string {
  let found: PolicyEntry | null = null;
  for (const e of entries) if (e.effectiveFrom.getTime() <= at.getTime() && (!found || e.sequence > found.sequence)) found = e;
  return found?.version ?? fallback;
}

export async function versionInForce(ctx: Pick<HubContext, 'config'>, at: Date = new Date()): Promise<string> {
  return versionInForceAmong(await policyEntries(), at, ctx.config.HUB_POLICY_VERSION);
}

export async function policyInForce(ctx: Pick<HubContext, 'config'>, at: Date = new Date()): Promise<PolicyDocument> {
  return getPolicy(await versionInForce(ctx, at));
}

export interface ListedPolicy {
  version: string;
  sequence: number;
  basedOn: string | null;
  effectiveFrom: string;
  effectiveTo: string | null;
  publishedBy: string;
  publishedAt: string | null;
  inForce: boolean;
  document: PolicyDocument;
  /** What changed from the version before (by sequence); empty for the first. */
  changes: PolicyChange[];
}

/** Every version, oldest first, with what changed from the one before and whether it is in force now. */
export async function listPolicies(ctx: Pick<HubContext, 'config'>): Promise<{ items: ListedPolicy[] }> {
  const entries = await policyEntries();
  const current = versionInForceAmong(entries, new Date(), ctx.config.HUB_POLICY_VERSION);
  return {
    items: entries.map((e, i) => ({
      version: e.version,
      sequence: e.sequence,
      basedOn: e.basedOn,
      effectiveFrom: e.effectiveFrom.toISOString(),
      effectiveTo: e.effectiveTo ? e.effectiveTo.toISOString() : null,
      publishedBy: e.publishedBy,
      publishedAt: e.publishedAt ? new Date(e.publishedAt).toISOString() : null,
      inForce: e.version === current,
      document: e.document,
      changes: i === 0 ? [] : policyChanges(entries[i - 1]!.document, e.document),
    })),
  };
}
