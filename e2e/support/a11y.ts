import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

/** One rule's violation, as axe-core reports it. */
type Result = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

/** The WCAG 2.0 and 2.1 rule sets, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The impacts that fail a scan; `moderate` and `minor` ones are attached to the report only. */
const BLOCKING = new Set(['serious', 'critical']);

/** One violation as a person reads it: rule, impact, what to do, and each offending element. */
export function describeViolation(violation: Result): string {
  const nodes = violation.nodes.map((node) => {
    const target = node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part))).join(' ');
    const why = (node.failureSummary ?? '').split('\n').map((line) => `        ${line.trim()}`).join('\n');
    return `    - ${target}\n      ${node.html.replace(/\s+/g, ' ').slice(0, 200)}\n${why}`;
  });
  return `[${violation.impact ?? 'unknown'}] ${violation.id}: ${violation.help}\n  ${violation.helpUrl}\n${nodes.join('\n')}`;
}

export interface ScanOptions {
  /** Elements left out of the scan (say why at the call). */
  exclude?: string[];
  /** axe rule ids not run (say why at the call). */
  disableRules?: string[];
}

/**
 * Scans the page as it is now with axe-core (WCAG 2.0/2.1 A and AA) and fails, listing them
 * readably, on any serious or critical violation. The full results go into the test's report as
 * an attachment named after `label`, so the lesser findings are not lost either.
 */
export async function expectAccessible(page: Page, label: string, options: ScanOptions = {}): Promise<void> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();
  // A scan that checked nothing (an empty page, every rule excluded) would pass anything.
  expect(results.passes.length, `${label}: axe found nothing to check`).toBeGreaterThan(0);

  const blocking = results.violations.filter((violation) => BLOCKING.has(violation.impact ?? ''));
  const lesser = results.violations.filter((violation) => !BLOCKING.has(violation.impact ?? ''));
  await test.info().attach(`axe: ${label}`, {
    contentType: 'application/json',
    body: JSON.stringify({ url: results.url, violations: results.violations, incomplete: results.incomplete.map((r) => r.id) }, null, 2),
  });
  if (lesser.length > 0) {
    test.info().annotations.push({
      type: 'a11y (moderate/minor)',
      description: `${label}: ${lesser.map((violation) => `${violation.id} (${violation.impact})`).join(', ')}`,
    });
  }

  const report = blocking.map(describeViolation).join('\n\n');
  expect(blocking.length, `${label} (${page.url()}) has serious or critical accessibility violations:\n\n${report}\n`).toBe(0);
}
