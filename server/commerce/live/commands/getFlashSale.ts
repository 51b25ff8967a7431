import type { RedisContext } from '../../commerceContext.ts';
import { flashSaleView } from '../flashSaleStore.ts';

export type GetFlashSaleCommand = { sessionId: string };

/** The session's flash sale as anyone (no sign-in) sees it: price, remaining, limit, end time for the countdown. */
export function getFlashSale(ctx: RedisContext, command: GetFlashSaleCommand) {
  return flashSaleView(ctx, command.sessionId);
}
