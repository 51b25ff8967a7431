import { z } from 'zod';

/** A viewer's reminder (预约) of a scheduled session, and how many asked for one. */
export const ReminderResponse = z.object({ sessionId: z.string(), subscribed: z.boolean(), subscribers: z.number().int() });
