/**
 * What every browser suite sets up and holds each page to. Before: the dashboard built (Hosting
 * serves dashboard/dist from disk), Chromium present, the demo tenants seeded, a browser. After
 * each test: every page it signed in had no uncaught error and no Content-Security-Policy
 * violation, then is closed. Call `browserSuite()` inside a `describe`.
 */
import { execFileSync } from "node:child_process";
import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import { launchChromium, signIn, type Dashboard } from "./browser.js";
import { seededBackend, type Backend } from "./backend.js";

export interface BrowserSuite {
  readonly browser: Browser;
  readonly backend: Backend;
  /** `email` signed in on a fresh page, checked and closed after the test. */
  dashboardFor(email: string, beforeLoad?: (page: Page) => Promise<void>): Promise<Dashboard>;
  /** Checks and closes one of them now, as a member closing the page would. */
  close(dashboard: Dashboard): Promise<void>;
}

async function checkAndClose(dashboard: Dashboard): Promise<void> {
  expect(dashboard.errors, "uncaught errors in the page").to.deep.equal([]);
  expect(dashboard.cspViolations, "Content-Security-Policy violations").to.deep.equal([]);
  await dashboard.context.close();
}

export function browserSuite(): BrowserSuite {
  let browser: Browser | undefined;
  let backend: Backend | undefined;
  const open: Dashboard[] = [];

  before(async function () {
    this.timeout(180_000);
    execFileSync(process.execPath, ["scripts/demo/dashboard-build.mjs"], { stdio: "inherit" });
    execFileSync(process.execPath, ["scripts/ensure-chromium.mjs"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    backend = await seededBackend();
    browser = await launchChromium();
  });

  afterEach(async () => {
    for (const dashboard of open.splice(0)) await checkAndClose(dashboard);
  });

  after(async () => {
    await browser?.close();
    await backend?.close();
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the browser suite's before() has not run");
    return value;
  };
  return {
    get browser() {
      return started(browser);
    },
    get backend() {
      return started(backend);
    },
    async dashboardFor(email, beforeLoad) {
      const dashboard = await signIn(started(browser), email, beforeLoad);
      open.push(dashboard);
      return dashboard;
    },
    async close(dashboard) {
      const index = open.indexOf(dashboard);
      if (index !== -1) open.splice(index, 1);
      await checkAndClose(dashboard);
    },
  };
}
