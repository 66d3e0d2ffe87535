/**
 * Accessibility of a view as axe-core sees it in the running page. axe is evaluated through the
 * DevTools protocol (Playwright's `evaluate` of a string), so the dashboard's Content-Security-Policy
 * stays as strict as in production and nothing is added to the page's own scripts. A view passes
 * with no serious or critical violation; every result is also written to
 * `test-results/a11y/<view>.json` so the counts per view can be read after a run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { SCREENSHOT_DIR } from "./browser.js";

const axeSource: string = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

export const A11Y_DIR = join(SCREENSHOT_DIR, "..", "a11y");

/** Impacts that fail a view; minor and moderate ones are recorded, not fatal. */
const FAILING = new Set(["serious", "critical"]);

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
  /** axe's account of each target, e.g. the colours and ratio of a contrast failure. */
  readonly why: readonly string[];
}

export interface AxeSummary {
  readonly view: string;
  readonly passes: number;
  readonly violations: readonly AxeViolation[];
}

interface AxeRawResult {
  passes: unknown[];
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[]; failureSummary?: string }[];
  }[];
}

/** Runs axe on the whole page as it is now; fails on any serious or critical violation. */
export async function expectAccessible(page: Page, view: string): Promise<AxeSummary> {
  // A string is evaluated as a script by the protocol itself, not by the page's `eval`, which
  // the Content-Security-Policy forbids.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const raw = await page.evaluate(() => {
    const axe = (window as unknown as { axe: { run: (options: object) => Promise<unknown> } }).axe;
    return axe.run({ resultTypes: ["violations"] });
  });
  const result = raw as AxeRawResult;
  const summary: AxeSummary = {
    view,
    passes: result.passes.length,
    violations: result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.map(String).join(" ")),
      why: violation.nodes.map((node) => node.failureSummary ?? ""),
    })),
  };
  mkdirSync(A11Y_DIR, { recursive: true });
  writeFileSync(join(A11Y_DIR, `${view}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  const failing = summary.violations.filter((violation) => FAILING.has(violation.impact ?? ""));
  expect(
    failing.map(
      (violation) => `${violation.id} (${violation.impact}): ${violation.targets.join(", ")}`,
    ),
    `serious or critical accessibility violations in ${view}`,
  ).to.deep.equal([]);
  return summary;
}
