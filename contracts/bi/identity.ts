import { z } from 'zod';
import { emailAddress, safeName } from './common';

/** `traits` of an identity; `traits_v0` is the only version Beyond Identity defines. */
export interface TraitsV0 {
  type: 'traits_v0';
  username: string;
  primary_email_address?: string;
  [key: string]: string | undefined;
}

export type IdentityStatus = 'active' | 'suspended';
export type EnrollmentStatus = 'ENROLLED' | 'PENDING' | 'INVITE_FAILED' | 'UNENROLLED';

/** An identity as Beyond Identity returns it. */
export interface Identity {
  id: string;
  realm_id: string;
  tenant_id: string;
  display_name: string;
  create_time: string;
  update_time: string;
  status: IdentityStatus;
  traits: TraitsV0;
  enrollment_status: EnrollmentStatus;
}

/**
 * The optional string traits of `Traits_v0`, besides username and primary
 * email, in the spec's order so a missing one shows: `traitsV0` strips any key
 * not listed here, so a trait left out is silently dropped on write.
 */
const OPTIONAL_TRAITS = [
  'secondary_email_address', 'external_id', 'family_name', 'given_name', 'formatted_name', 'middle_name',
  'honorific_prefix', 'honorific_suffix', 'nick_name', 'title', 'primary_phone', 'secondary_phone', 'profile_url',
  'photo', 'preferred_language', 'locale', 'timezone', 'formatted_address', 'street_address', 'locality',
  'region', 'postal_code', 'country', 'user_type', 'employee_number', 'cost_center', 'organization',
  'division', 'department', 'manager_id', 'manager_name',
] as const;

const optionalTraits = Object.fromEntries(
  OPTIONAL_TRAITS.map((name) => [name, z.string().max(1024).optional()]),
) as Record<(typeof OPTIONAL_TRAITS)[number], z.ZodOptional<z.ZodString>>;

const traitsType = z.literal('traits_v0', { error: 'must be "traits_v0"' });

export const traitsV0 = z.object({
  type: traitsType,
  username: safeName,
  primary_email_address: emailAddress.optional(),
  ...optionalTraits,
});

const identityStatus = z.enum(['active', 'suspended'], { error: 'must be "active" or "suspended"' });

export const createIdentityBody = z.object({
  identity: z.object({
    display_name: safeName,
    status: identityStatus.optional(),
    traits: traitsV0,
  }),
});

/** UpdateIdentity is a PATCH: every field is optional, traits are merged key by key. */
export const updateIdentityBody = z.object({
  identity: z.object({
    display_name: safeName.optional(),
    status: identityStatus.optional(),
    traits: traitsV0
      .partial()
      .extend({ type: traitsType.optional(), primary_email_address: emailAddress.or(z.literal('')).optional() })
      .optional(),
  }),
});

export const batchDeleteIdentitiesBody = z.object({
  ids: z.array(z.string()).min(1, 'must name at least one identity').max(1000, 'must name at most 1000 identities'),
});

export interface ListIdentitiesResponse {
  identities: Identity[];
  total_size: number;
  next_page_token?: string;
}
