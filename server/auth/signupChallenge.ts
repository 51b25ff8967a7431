import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HttpError } from '../platform/errors.ts';

/**
 * A proof of work against bulk sign-ups: the hub hands out a signed challenge
 * `<nonce>.<expiresAtMs>.<bits>.<hmac>`; the client finds a `solution` such that
 * SHA-256(challenge + ":" + solution) starts with `bits` zero bits, and sends
 * `Signup-Proof: <challenge>:<solution>`. Each challenge is accepted once (Redis SET NX) and for 10 minutes.
 * One sign-up then costs a browser about 2^bits hashes (HUB_SIGNUP_POW_BITS), a bulk script as many per account.
 */
const CHALLENGE_TTL_MS = 10 * 60 * 1000;

const sign = (secret: string, body: string) => createHmac('sha256', `signup-challenge:${secret}`).update(body).digest('base64url');

export function issueChallenge(secret: string, bits: number, now = Date.now()) {
  const body = `${randomBytes(12).toString('base64url')}.${now + CHALLENGE_TTL_MS}.${bits}`;
  return { challenge: `${body}.${sign(secret, body)}`, bits, expiresAt: new Date(now + CHALLENGE_TTL_MS).toISOString() };
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

/** Solves a challenge (tests, benches and scripted clients; the browser runs the same loop). */
export function solveChallenge(challenge: string, bits: number): string {
  for (let i = 0; ; i += 1) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${i}`).digest()) >= bits) return String(i);
  }
}

const refused = (message: string) => new HttpError(400, 'signup_proof_invalid', message, { field: 'Signup-Proof' });

/** Checks a `Signup-Proof` header and spends its challenge; throws 400 `signup_proof_invalid` naming the problem. */
export async function spendProof(
  redis: Redis,
  prefix: string,
  secret: string,
  minBits: number,
  header: string | undefined,
  now = Date.now(),
): Promise<void> {
  if (!header) throw refused('Header "Signup-Proof" is required: GET /api/v1/auth/signup/challenge and solve it');
  const cut = header.lastIndexOf(':');
  const challenge = cut > 0 ? header.slice(0, cut) : '';
  const solution = cut > 0 ? header.slice(cut + 1) : '';
  const parts = challenge.split('.');
  if (parts.length !== 4 || !/^\d{1,12}$/.test(solution)) throw refused('Header "Signup-Proof" must be <challenge>:<solution>');
  const [nonce, expires, bitsText, mac] = parts as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${nonce}.${expires}.${bitsText}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw refused('Header "Signup-Proof": the challenge was not issued by this hub');
  if (Number(expires) < now) throw refused('Header "Signup-Proof": the challenge expired; fetch a new one');
  const bits = Number(bitsText);
  if (bits < minBits) throw refused('Header "Signup-Proof": the challenge is too easy; fetch a new one');
  if (leadingZeroBits(createHash('sha256').update(`${challenge}:${solution}`).digest()) < bits) {
    throw refused('Header "Signup-Proof": the solution does not solve the challenge');
  }
  const fresh = await redis.set(`${prefix}:signup-challenge:${nonce}`, '1', 'PX', CHALLENGE_TTL_MS, 'NX');
  if (fresh !== 'OK') throw refused('Header "Signup-Proof": this challenge was already used; fetch a new one');
}
