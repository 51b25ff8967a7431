import mongoose from 'mongoose';
import { z } from 'zod';
import type { HubContext } from '../../platform/context.ts';
import type { AuthUser } from '../../platform/auth/roles.ts';
import { recordChange } from '../../platform/audit/outbox.ts';
import { badRequest, conflict, isDuplicateKeyError, notFound, withParams } from '../../platform/errors.ts';
import { fen, text } from '../../platform/http/schemas.ts';
import { ITEM_CATEGORIES, PROGRAMS, type PolicyDocument, type ProgramRule } from '../../../config/policies/types.ts';
import { PolicyModel } from '../policy/policy.model.ts';
import {
  announcePolicy,
  beijingDayEnd,
  beijingDayStart,
  listPolicies,
  policyEntries,
  writeBudgetCategories,
} from '../policy/policyService.ts';

/**
 * The bureau publishes a new policy version from the latest one: rates, caps (fixed awards for stations),
 * each programme's basis categories, the categories' words, the negative list and the effective date.
 * Titles, phases, procedure and the fund allocation are carried over. A published version is never changed.
 */

const versionId = z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be 1 to 64 lower-case letters, digits or - (e.g. dehua-2021)');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD (Beijing)')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T12:00:00+08:00`)) && new Date(Date.parse(`${d}T12:00:00+08:00`)).toISOString().slice(0, 10) === d,
    'must be a real calendar date',
  );
const category = z.enum(ITEM_CATEGORIES, {
  errorMap: () => ({ message: `must be one of the category vocabulary: ${ITEM_CATEGORIES.join(' ')}` }),
});
const rate = z
  .number({ invalid_type_error: 'must be a whole number of basis points (10000 = 100%)' })
  .int('must be a whole number of basis points (10000 = 100%)')
  .min(0, 'must not be negative')
  .max(10000, 'must not exceed 10000 (100%)');

const ProgramChange = z
  .object({
    code: z.enum(PROGRAMS, { errorMap: () => ({ message: `must be one of the programmes: ${PROGRAMS.join(' ')}` }) }),
    rateBasisPoints: rate.nullable(),
    capFen: fen.nullable(),
    fixedAwardsFen: z.object({ township: fen, village: fen }).strict().optional(),
    basisCategories: z.array(category).max(ITEM_CATEGORIES.length),
  })
  .strict();

export const PublishPolicyBody = z
  .object({
    version: versionId,
    /** The version this one starts from: it must still be the latest, so two bureau users cannot publish over each other. */
    basedOn: versionId,
    effectiveFrom: day,
    effectiveTo: day.nullable().optional(),
    documentNo: text(100).optional(),
    titleZh: text(200).optional(),
    titleEn: text(300).optional(),
    programs: z.array(ProgramChange).min(1, 'must list the programmes').max(PROGRAMS.length),
    categoryLabels: z
      .array(z.object({ code: category, zh: text(40), en: text(80) }).strict())
      .min(1, 'must list the categories')
      .max(ITEM_CATEGORIES.length),
    negativeList: z.array(z.object({ category, zh: text(100), en: text(200) }).strict()).max(ITEM_CATEGORIES.length),
  })
  .strict()
  .openapi('PublishPolicy');

export type PublishPolicyCommand = z.infer<typeof PublishPolicyBody>;

const field = (name: string, message: string) => withParams(badRequest(`Invalid field "${name}": ${message}`), { field: name });

/** Checks what zod cannot see alone (the fields against each other and against the version it starts from). */
function buildDocument(base: PolicyDocument, command: PublishPolicyCommand): PolicyDocument {
  const categories = command.categoryLabels.map((c) => c.code);
  command.categoryLabels.forEach((c, i) => {
    if (categories.indexOf(c.code) !== i) throw field(`categoryLabels.${i}.code`, `lists ${c.code} twice`);
  });
  if (!categories.includes('other')) throw field('categoryLabels', 'must keep the category other');
  const negative = new Set<string>();
  command.negativeList.forEach((n, i) => {
    if (!categories.includes(n.category)) throw field(`negativeList.${i}.category`, `${n.category} is not among the version's categories`);
    if (negative.has(n.category)) throw field(`negativeList.${i}.category`, `lists ${n.category} twice`);
    negative.add(n.category);
  });
  const seen = new Set<string>();
  const programs: ProgramRule[] = base.programs.map((rule) => ({ ...rule }));
  command.programs.forEach((change, i) => {
    if (seen.has(change.code)) throw field(`programs.${i}.code`, `lists ${change.code} twice`);
    seen.add(change.code);
    const index = programs.findIndex((p) => p.code === change.code);
    if (index < 0) throw field(`programs.${i}.code`, `${change.code} is not a programme of ${base.version}`);
    const rule = programs[index]!;
    if (rule.fixedAwardsFen) {
      if (change.rateBasisPoints !== null) throw field(`programs.${i}.rateBasisPoints`, `${change.code} is a fixed award: no rate`);
      if (!change.fixedAwardsFen) throw field(`programs.${i}.fixedAwardsFen`, `${change.code} needs its township and village awards`);
    } else {
      if (change.rateBasisPoints === null) throw field(`programs.${i}.rateBasisPoints`, `${change.code} needs a rate`);
      if (change.fixedAwardsFen) throw field(`programs.${i}.fixedAwardsFen`, `${change.code} is paid at a rate, not a fixed award`);
    }
    change.basisCategories.forEach((c, j) => {
      if (!categories.includes(c)) throw field(`programs.${i}.basisCategories.${j}`, `${c} is not among the version's categories`);
      if (negative.has(c)) throw field(`programs.${i}.basisCategories.${j}`, `${c} is on the negative list`);
    });
    programs[index] = {
      ...rule,
      rateBasisPoints: change.rateBasisPoints,
      capFen: rule.fixedAwardsFen ? null : change.capFen,
      ...(change.fixedAwardsFen ? { fixedAwardsFen: change.fixedAwardsFen } : {}),
      basisCategories: [...new Set(change.basisCategories)],
    };
  });
  const missing = programs.find((p) => !seen.has(p.code));
  if (missing) throw field('programs', `must list every programme of ${base.version}; ${missing.code} is missing`);
  if (command.effectiveTo && command.effectiveTo < command.effectiveFrom) throw field('effectiveTo', 'must not be before effectiveFrom');
  return {
    ...base,
    version: command.version,
    documentNo: command.documentNo ?? base.documentNo,
    titleZh: command.titleZh ?? base.titleZh,
    titleEn: command.titleEn ?? base.titleEn,
    effectiveFrom: command.effectiveFrom,
    effectiveTo: command.effectiveTo ?? null,
    programs,
    itemCategories: categories,
    categoryLabels: command.categoryLabels,
    negativeList: command.negativeList,
  };
}

/** Today's date in Beijing, YYYY-MM-DD. */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export async function publishPolicy(ctx: HubContext, actor: AuthUser, command: PublishPolicyCommand) {
  const entries = await policyEntries();
  const latest = entries[entries.length - 1];
  const base = entries.find((e) => e.version === command.basedOn);
  if (!base || !latest) throw notFound(`Policy ${command.basedOn}`);
  if (base.version !== latest.version) {
    throw withParams(
      conflict(
        `Policy ${latest.version} was published after ${base.version}; start from ${latest.version}`,
        { latest: latest.version },
        'stale_policy',
      ),
      { latest: latest.version },
    );
  }
  if (entries.some((e) => e.version === command.version))
    throw withParams(conflict(`Policy version ${command.version} already exists`, { fields: ['version'] }), { field: 'version' });
  // No retroactive versions: claims already submitted keep the version they were assessed under.
  if (command.effectiveFrom < beijingToday()) throw field('effectiveFrom', `must be today (${beijingToday()}, Beijing) or later`);
  const document = buildDocument(base.document, command);
  const id = command.version;
  const _id = new mongoose.Types.ObjectId();
  const audit = {
    actor,
    action: 'policy.publish',
    target: { type: 'policy', id },
    before: { version: base.version },
    after: { version: id, effectiveFrom: command.effectiveFrom, sequence: latest.sequence + 1 },
  };
  try {
    await recordChange(ctx, { model: PolicyModel, id: String(_id), audit }, (entry) =>
      PolicyModel.create({
        _id,
        version: id,
        sequence: latest.sequence + 1,
        basedOn: base.version,
        effectiveFrom: beijingDayStart(command.effectiveFrom),
        effectiveTo: command.effectiveTo ? beijingDayEnd(command.effectiveTo) : null,
        document,
        publishedBy: actor.username,
        pendingAudit: { [entry.id]: entry },
      }),
    );
  } catch (err) {
    // The unique sequence: another publication from the same version landed first.
    if (isDuplicateKeyError(err))
      throw withParams(
        conflict(`Another version was published from ${base.version} meanwhile; start again from the latest`, undefined, 'stale_policy'),
        {},
      );
    throw err;
  }
  await writeBudgetCategories(document, ctx.config.HUB_FUND_TOTAL_FEN);
  await announcePolicy(ctx, id);
  const { items } = await listPolicies(ctx);
  return items.find((p) => p.version === id)!;
}
