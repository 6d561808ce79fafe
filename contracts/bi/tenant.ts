import { z } from 'zod';
import { safeName } from './common';

/** A tenant as Beyond Identity returns it. */
export interface Tenant {
  id: string;
  display_name: string;
  create_time: string;
  update_time: string;
}

/** Body of UpdateTenant. Read-only fields are dropped, as the spec says. */
export const updateTenantBody = z.object({
  tenant: z.object({ display_name: safeName.optional() }),
});
