import { z } from 'zod';

/** The app backend's answer to `GET /api/health`. */
export const healthSchema = z.object({
  ok: z.literal(true),
  cloud: z.object({
    /** Base URL of the Beyond Identity API the backend talks to (the local cloud or the real one). */
    api_base_url: z.string(),
  }),
});

export type Health = z.infer<typeof healthSchema>;
