import { z } from 'zod';

/** A new password (PATCH /users/:id, POST /auth/password); `name` is the field the message names. */
export const passwordField = (name = 'password') => z.string().min(8, `${name} must be at least 8 characters`).max(128);
