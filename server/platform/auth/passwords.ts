import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';

/**
 * Passwords are hashed with argon2id by a native library that runs on libuv's thread pool, so a burst of
 * sign-ins never blocks the event loop. Hashes from before (bcrypt, `$2a$`/`$2b$`/`$2y$`) are still verified
 * (bcryptjs) and replaced by argon2id at the next successful sign-in (see `needsRehash`).
 */
// algorithm 2 = Algorithm.Argon2id (a const enum, which isolatedModules cannot read).
const ARGON2_OPTIONS = { algorithm: 2 as const, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** `_legacyBcryptRounds` is ignored: kept so callers written for bcrypt still compile. */
export async function hashPassword(password: string, _legacyBcryptRounds?: number): Promise<string> {
  return argon2Hash(password, ARGON2_OPTIONS);
}

const isBcrypt = (hash: string) => /^\$2[aby]\$/.test(hash);

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (isBcrypt(hash)) return bcrypt.compare(password, hash);
  if (!hash.startsWith('$argon2')) return false;
  try {
    return await argon2Verify(hash, password);
  } catch {
    return false;
  }
}

/** True for hashes that are not argon2id with the current cost: re-hash them after a successful sign-in. */
export function needsRehash(hash: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
  return (
    !m ||
    Number(m[1]) !== ARGON2_OPTIONS.memoryCost ||
    Number(m[2]) !== ARGON2_OPTIONS.timeCost ||
    Number(m[3]) !== ARGON2_OPTIONS.parallelism
  );
}

/**
 * Verified against when the user does not exist, so a missing user costs as much (thread-pool) time as a
 * wrong password. An argon2id hash of a random secret at the current cost.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$o8tb4nlv9fMNXqUS7RxeFQ$D66oL1okzAufuAmREY2yhKJ0PrnNr8M3XQZNxFNzFnY';
