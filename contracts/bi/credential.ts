/** A credential (the cloud-side record of a passkey) as Beyond Identity returns it. */
export interface Credential {
  id: string;
  identity_id: string;
  realm_id: string;
  tenant_id: string;
  state: 'ACTIVE' | 'REVOKED';
  csr_type: 'JWT' | 'WEBAUTHN' | 'FIDO2';
  jwk_json: string;
  jwk_thumbprint: string;
  create_time: string;
  update_time: string;
}

export interface ListCredentialsResponse {
  credentials: Credential[];
  total_size: number;
  next_page_token?: string;
}
