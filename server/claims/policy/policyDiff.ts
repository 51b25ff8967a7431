import type { ItemCategory, PolicyDocument, ProgramCode } from '../../../config/policies/types.ts';

/**
 * What changed from one policy version to the next, for the public policy page (pure). Money in fen,
 * rates in basis points; the page words them per language.
 */
export type PolicyChange =
  | { kind: 'effective_from'; from: string; to: string }
  | { kind: 'rate'; program: ProgramCode; fromBasisPoints: number | null; toBasisPoints: number | null }
  | { kind: 'cap'; program: ProgramCode; fromFen: number | null; toFen: number | null }
  | { kind: 'fixed_award'; program: ProgramCode; level: 'township' | 'village'; fromFen: number; toFen: number }
  | { kind: 'basis_added' | 'basis_removed'; program: ProgramCode; category: ItemCategory }
  | { kind: 'category_added' | 'category_removed'; category: ItemCategory }
  | { kind: 'category_renamed'; category: ItemCategory; fromZh: string; toZh: string; fromEn: string; toEn: string }
  | { kind: 'negative_added' | 'negative_removed'; category: ItemCategory; zh: string; en: string };

export function policyChanges(before: PolicyDocument, after: PolicyDocument): PolicyChange[] {
  const out: PolicyChange[] = [];
  if (before.effectiveFrom !== after.effectiveFrom)
    out.push({ kind: 'effective_from', from: before.effectiveFrom, to: after.effectiveFrom });
  for (const rule of after.programs) {
    const old = before.programs.find((p) => p.code === rule.code);
    if (!old) continue;
    const program = rule.code;
    if (old.rateBasisPoints !== rule.rateBasisPoints)
      out.push({ kind: 'rate', program, fromBasisPoints: old.rateBasisPoints, toBasisPoints: rule.rateBasisPoints });
    if (old.capFen !== rule.capFen) out.push({ kind: 'cap', program, fromFen: old.capFen, toFen: rule.capFen });
    for (const level of ['township', 'village'] as const) {
      const fromFen = old.fixedAwardsFen?.[level];
      const toFen = rule.fixedAwardsFen?.[level];
      if (fromFen !== undefined && toFen !== undefined && fromFen !== toFen)
        out.push({ kind: 'fixed_award', program, level, fromFen, toFen });
    }
    for (const category of rule.basisCategories)
      if (!old.basisCategories.includes(category)) out.push({ kind: 'basis_added', program, category });
    for (const category of old.basisCategories)
      if (!rule.basisCategories.includes(category)) out.push({ kind: 'basis_removed', program, category });
  }
  for (const category of after.itemCategories)
    if (!before.itemCategories.includes(category)) out.push({ kind: 'category_added', category });
  for (const category of before.itemCategories)
    if (!after.itemCategories.includes(category)) out.push({ kind: 'category_removed', category });
  for (const label of after.categoryLabels ?? []) {
    const old = before.categoryLabels?.find((c) => c.code === label.code);
    if (old && (old.zh !== label.zh || old.en !== label.en)) {
      out.push({ kind: 'category_renamed', category: label.code, fromZh: old.zh, toZh: label.zh, fromEn: old.en, toEn: label.en });
    }
  }
  for (const entry of after.negativeList) {
    if (!before.negativeList.some((n) => n.category === entry.category))
      out.push({ kind: 'negative_added', category: entry.category, zh: entry.zh, en: entry.en });
  }
  for (const entry of before.negativeList) {
    if (!after.negativeList.some((n) => n.category === entry.category))
      out.push({ kind: 'negative_removed', category: entry.category, zh: entry.zh, en: entry.en });
  }
  return out;
}
