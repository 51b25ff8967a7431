import { UserModel } from './user.model.ts';

/**
 * What other components (auth, live, the job board, token checks) read about accounts instead of the user
 * model: each function answers one question, and every filter is one a declared index serves
 * (test/store/queryIndexes.test.ts). Writes to accounts stay in commands/.
 */

/** The whole account (null for an unknown id): sign-in state, the job board's bureau check. */
export async function userRecord(id: unknown) {
  return UserModel.findById(id).lean();
}

/** The account signing in with this username (null when none has it). */
export async function userByUsername(username: string) {
  return UserModel.findOne({ username }).lean();
}

/** What booking a host checks: role, active, username and organisation (null for an unknown id). */
export async function hostCandidate(id: string) {
  return UserModel.findById(id, { role: 1, active: 1, username: 1, orgId: 1 }).lean();
}

/** Whether the account is active and its token version (null for an unknown id): the platform's token checks. */
export async function accountState(id: string): Promise<{ active: boolean; tokenVersion: number } | null> {
  const user = await userRecord(id);
  if (!user) return null;
  return { active: user.active !== false, tokenVersion: user.tokenVersion ?? 0 };
}
