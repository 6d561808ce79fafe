import { z } from 'zod';
import { safeName } from './common';

/** A realm as Beyond Identity returns it. */
export interface Realm {
  id: string;
  tenant_id: string;
  display_name: string;
  classification?: string;
  create_time: string;
  update_time: string;
}

export const createRealmBody = z.object({
  realm: z.object({
    display_name: safeName,
    classification: z.enum(['SECURE_WORKFORCE', 'SECURE_CUSTOMER']).optional(),
  }),
});

export const updateRealmBody = z.object({
  realm: z.object({ display_name: safeName.optional() }),
});

export interface ListRealmsResponse {
  realms: Realm[];
  total_size: number;
  next_page_token?: string;
}
