/**
 * A small structured logger: one JSON line per event on stderr.
 *
 * Fields whose names look like secrets are replaced before writing, so a
 * careless `log.info('x', {token})` cannot leak a binding token or a client
 * secret into logs.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /token|secret|password|authorization|cookie|jwt|raw/i;

/** Returns a copy of `fields` with secret-looking values redacted (one level deep and nested objects). */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key) && value !== undefined && value !== null) out[key] = '[redacted]';
    else if (value instanceof Error) out[key] = { name: value.name, message: value.message, stack: value.stack };
    else if (value && typeof value === 'object' && !Array.isArray(value))
      out[key] = redact(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

/** Creates a logger; `level: 'silent'` drops everything (tests). */
export function createLogger(
  base: Record<string, unknown> = {},
  options: { level?: 'info' | 'silent'; write?: (line: string) => void } = {},
): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const silent = options.level === 'silent';
  const emit = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (silent) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, message, ...redact({ ...base, ...fields }) }));
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
}
