/** The Redis list of a session's "+1" reservations, newest first (written by plusOne, read by the host's queue). */
export const plusOneQueueKey = (prefix: string, sessionId: string) => `${prefix}:live:plus1:${sessionId}`;
