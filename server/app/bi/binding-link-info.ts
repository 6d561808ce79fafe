import { z } from 'zod';
import { idSegment, lookup, type BiHttp } from './http';

/** The parts of the `:getInfo` answer the app shows before a bind (bi-protocol.md lists them all). */
const bindingLinkInfo = z.object({
  realm: z.object({ display_name: z.string() }),
  identity: z.object({
    display_name: z.string(),
    traits: z.object({ username: z.string() }),
  }),
});
export type BindingLinkInfo = z.infer<typeof bindingLinkInfo>;

/**
 * `POST …/identities/{i}/credential-binding-jobs/{job}:getInfo` with the
 * binding token as Bearer: what the SDK asks before it binds. It is the only
 * call that checks a binding token without using it up, which is why the
 * preview asks it rather than anything that would consume the link.
 * Always the configured API base: never a URL taken from a request.
 * @throws {BiError} with the status's code when the link cannot be used (404, 403, 409, 410…);
 * `not_found` when the cloud refuses an id in the link as malformed (see `lookup`).
 */
export function bindingLinkInfoClient(http: BiHttp) {
  return {
    async get(identityId: string, jobId: string, bindingToken: string): Promise<BindingLinkInfo> {
      return await lookup(() =>
        http.withBindingToken(
          'GetCredentialBindingInfo',
          `/identities/${idSegment(identityId)}/credential-binding-jobs/${idSegment(jobId)}:getInfo`,
          bindingToken,
          bindingLinkInfo,
        ),
      );
    },
  };
}

export type BindingLinkInfoClient = ReturnType<typeof bindingLinkInfoClient>;
