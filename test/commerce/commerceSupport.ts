/** Commerce test support: buyers who sign up as the public does, a world with a seller and a station. */
import { randomUUID } from 'node:crypto';
import { api } from '../support/testHub.ts';
import { solveChallenge } from '../../server/auth/signupChallenge.ts';
import { expectStatus, liveWorld, ordersPersisted, getLiveHub } from '../live/liveSupport.ts';
import { createUser } from '../support/factories.ts';

let phoneCounter = 0;
/** A fresh mainland mobile number per call (139 + pid + counter keeps parallel runs apart). */
export function newPhone(): string {
  phoneCounter += 1;
  return `139${String((process.pid * 1000 + phoneCounter) % 1e8).padStart(8, '0')}`;
}

export async function signupProof(): Promise<string> {
  const { body } = await api('GET', '/api/v1/auth/signup/challenge');
  return `${body.challenge}:${solveChallenge(body.challenge, body.bits)}`;
}

export async function signupBuyer(phone = newPhone()) {
  const res = await api('POST', '/api/v1/auth/signup', {
    body: { phone, password: 'buyer-pass-1' },
    headers: { 'Signup-Proof': await signupProof() },
  });
  const body = await expectStatus(res, 201);
  return { id: body.user.id as string, phone, token: body.token as string };
}

export const courierAddress = { name: '林小姐', phone: '13800000001', township: '赤水镇', village: '铭爱村', detail: '铭爱村12号' };

export async function commerceWorld(stock = 10, priceFen = 8800) {
  const world = await liveWorld({ products: [{ stock, priceFen }] });
  return { ...world, product: world.products[0]! };
}

export function placeOrder(token: string, body: Record<string, unknown>, key = randomUUID()) {
  return api('POST', '/api/v1/orders', { token, body, headers: { 'Idempotency-Key': key } });
}

export async function stock(productId: string, token: string): Promise<number> {
  return (await api('GET', `/api/v1/products/${productId}`, { token })).body.stock;
}

/** Waits until orders and their transitions reached the database. */
export async function allPersisted(): Promise<void> {
  await ordersPersisted();
  const { ctx } = await getLiveHub();
  await (ctx.services.orderTransitionPersister as { drained(): Promise<void> }).drained();
}

export { api, expectStatus, createUser, getLiveHub };
