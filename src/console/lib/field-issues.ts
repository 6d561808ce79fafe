/**
 * Client-side validation with the contract's own schemas, worded like the cloud's FieldViolations:
 * `{ 'application.display_name': 'Too small…' }`, so one lookup (`fieldError`) serves both.
 */
export function issuesToFields(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || '(body)';
    out[field] ??= issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  }
  return out;
}
