import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * Validates management API responses against Beyond Identity's own OpenAPI
 * file (`../shared/reference/bi-openapi-v1.yaml`, beside the project root),
 * resolving its `$ref`s. Every response the API tests receive goes through
 * `assertConforms`, so a field renamed or a wrapper dropped fails a test.
 */
const SPEC_FILE = fileURLToPath(new URL('../../../../shared/reference/bi-openapi-v1.yaml', import.meta.url));

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  operation: { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
}

/**
 * Places where the spec's schema contradicts its own examples and Beyond
 * Identity's documented behaviour; we validate against what the examples show.
 * - CreateCredentialBindingJob's 404 names `ResourceInfo` (a detail) as the
 *   whole body; its example is an `Error` with a ResourceInfo detail.
 */
const SCHEMA_OVERRIDES: Record<string, string> = {
  'CreateCredentialBindingJob 404': '#/components/schemas/Error',
};

let loaded: { ajv: Ajv; routes: Route[]; cache: Map<string, ValidateFunction | null> } | undefined;

function load() {
  if (loaded) return loaded;
  if (!existsSync(SPEC_FILE)) throw new Error(`Beyond Identity's OpenAPI file is missing: ${SPEC_FILE}`);
  const spec = stripDiscriminators(parse(readFileSync(SPEC_FILE, 'utf8'))) as {
    paths: Record<string, Record<string, Route['operation']>>;
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('uint32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 });
  ajv.addFormat('url', /^https?:\/\/\S+$/);
  ajv.addSchema(spec as object, 'bi');
  const routes: Route[] = [];
  for (const [template, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/:]+');
      routes.push({
        method: method.toUpperCase(),
        template,
        pattern: new RegExp(`^${source}$`),
        params: (template.match(/\{/g) ?? []).length,
        operation,
      });
    }
  }
  // Prefer the most literal template: `/themes/active` over `/themes/{theme_id}`.
  routes.sort((a, b) => a.params - b.params);
  loaded = { ajv, routes, cache: new Map() };
  return loaded;
}

/** The operationId the spec gives a request, or undefined when the spec has no such path. */
export function operationFor(method: string, path: string): string | undefined {
  return findRoute(method, path)?.operation.operationId;
}

function findRoute(method: string, path: string): Route | undefined {
  return load().routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
}

/**
 * Throws when `body` does not match the spec's response schema for this
 * method, path and status. A status the spec does not list for the operation
 * is itself a failure; a 2xx without a content schema must have no body.
 */
export function assertConforms(method: string, path: string, status: number, body: unknown): void {
  const route = findRoute(method, path.split('?')[0]!);
  if (!route) throw new Error(`The spec has no ${method} ${path}`);
  const id = route.operation.operationId;
  const response = route.operation.responses[String(status)];
  if (!response) throw new Error(`${id}: the spec lists no ${status} response (it lists ${Object.keys(route.operation.responses).join(', ')})`);
  const key = `${id} ${status}`;
  const { ajv, cache } = load();
  let validate = cache.get(key);
  if (validate === undefined) {
    const pointer = SCHEMA_OVERRIDES[key] ?? (response.content?.['application/json']?.schema ? schemaPointer(route, status) : undefined);
    validate = pointer ? ajv.compile({ $ref: `bi${pointer}` }) : null;
    cache.set(key, validate);
  }
  if (validate === null) {
    if (body !== undefined && body !== '' && !(typeof body === 'object' && body !== null && Object.keys(body).length === 0)) {
      throw new Error(`${id} ${status}: the spec defines no body, got ${JSON.stringify(body).slice(0, 200)}`);
    }
    return;
  }
  if (!validate(body)) {
    throw new Error(
      `${id} ${status} does not match the spec:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

function schemaPointer(route: Route, status: number): string {
  const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  return `#/paths/${escape(route.template)}/${route.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
}

/** Ajv's `discriminator` support needs shapes the spec does not follow; `oneOf` alone checks the same thing. */
function stripDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDiscriminators);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).filter(([k]) => k !== 'discriminator').map(([k, v]) => [k, stripDiscriminators(v)]),
    );
  }
  return node;
}
