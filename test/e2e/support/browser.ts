/**
 * The dashboard in Debian's Chromium, driven by playwright-core, against the emulator suite the
 * run is inside (Hosting serves dashboard/dist on 5000). Every wait is on page state with a
 * timeout; nothing sleeps.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type WebSocketRoute,
} from "playwright-core";
import { DEMO_PASSWORD } from "../../../scripts/seed.js";

export const DASHBOARD_URL = "http://127.0.0.1:5000";
export const DATABASE_PORT = "9000";
/** Long enough for a cold Functions worker plus a trigger; short enough to fail a stuck run. */
export const WAIT_MS = 30_000;

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, "test-results", "screenshots");

/**
 * Playwright's `launch` gives every browser a fresh temporary profile (its own --user-data-dir,
 * removed on close), and each `newContext` is isolated from the others: one per signed-in user.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

export function byTestId(scope: Page | Locator, testId: string, data: Record<string, string> = {}) {
  const attributes = Object.entries(data)
    .map(([key, value]) => `[data-${key}="${value}"]`)
    .join("");
  return scope.locator(`[data-testid="${testId}"]${attributes}`);
}

/** Resolves once at least `atLeast` elements match (the last of them attached), else times out. */
export async function waitForCount(locator: Locator, atLeast: number): Promise<number> {
  await locator.nth(atLeast - 1).waitFor({ state: "attached" });
  return locator.count();
}

export interface Dashboard {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
  /** Every Content-Security-Policy violation the page reported (event or console), in order. */
  readonly cspViolations: string[];
}

/**
 * Collects what the page reports of its Content-Security-Policy: each `securitypolicyviolation`
 * event (sent out through a binding installed before any page script runs) and Chromium's
 * console lines about a refused load. Call before the first navigation.
 */
async function watchCsp(page: Page, violations: string[]): Promise<void> {
  await page.exposeBinding("__lifelineCspViolation", (_source, report: unknown) => {
    violations.push(`event: ${JSON.stringify(report)}`);
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report: unknown = Reflect.get(window, "__lifelineCspViolation");
      if (typeof report !== "function") return;
      const reportViolation = report as (value: unknown) => unknown;
      reportViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        line: event.lineNumber,
      });
    });
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      violations.push(`console: ${message.text()}`);
    }
  });
}

/** A fresh context, the dashboard loaded and signed in as `email`; resolves once the app shows. */
export async function signIn(
  browser: Browser,
  email: string,
  beforeLoad?: (page: Page) => Promise<void>,
): Promise<Dashboard> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const cspViolations: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await watchCsp(page, cspViolations);
  page.setDefaultTimeout(WAIT_MS);
  if (beforeLoad !== undefined) await beforeLoad(page);
  const response = await page.goto(DASHBOARD_URL);
  // The policy under test must be the one served: a page without it would report no violations.
  const policy = (await response?.allHeaders())?.["content-security-policy"] ?? "";
  if (!policy.includes("frame-ancestors 'none'")) {
    throw new Error(`the dashboard was served without its Content-Security-Policy: "${policy}"`);
  }
  await byTestId(page, "signin-form").waitFor();
  await byTestId(page, "signin-email").fill(email);
  await byTestId(page, "signin-password").fill(DEMO_PASSWORD);
  await byTestId(page, "signin-submit").click();
  await byTestId(page, "app").waitFor();
  await byTestId(page, "connection-indicator", { state: "online" }).waitFor();
  return { context, page, errors, cspViolations };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const DESK = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * The same view at a desk (1440×900) and on a phone (390×844): `<name>-desk.png` and
 * `<name>-phone.png`, viewport only (what a person sees without scrolling). The page is left at
 * desk size.
 */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const [suffix, size] of [
    ["desk", DESK],
    ["phone", PHONE],
  ] as const) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${suffix}.png`) });
  }
  await page.setViewportSize(DESK);
}

/**
 * Makes the database emulator unreachable for one page, and reachable again, without touching
 * the emulator: the page's WebSockets to the database port are relayed through Playwright
 * (`routeWebSocket`) and closed on `sever()`; while severed, new WebSockets are closed as they
 * open and HTTP requests to that port (the SDK's long-polling fallback) fail as if offline.
 * Auth, Hosting and Functions stay reachable, so exactly "the database is unreachable" is tested.
 */
export class DatabaseLink {
  private severed = false;
  /** Page side → server side of every relayed WebSocket. */
  private readonly open = new Map<WebSocketRoute, WebSocketRoute>();

  private constructor() {}

  static async install(page: Page): Promise<DatabaseLink> {
    const link = new DatabaseLink();
    const toDatabase = (url: URL) => url.port === DATABASE_PORT;
    await page.routeWebSocket(toDatabase, (socket) => {
      if (link.severed) {
        void socket.close({ code: 1011, reason: "unreachable (test)" });
        return;
      }
      // With no message handlers of its own, the route relays every message both ways.
      const server = socket.connectToServer();
      link.open.set(socket, server);
      socket.onClose(() => link.open.delete(socket));
    });
    await page.route(toDatabase, (route) =>
      link.severed ? route.abort("internetdisconnected") : route.continue(),
    );
    return link;
  }

  async sever(): Promise<void> {
    this.severed = true;
    const sockets = [...this.open];
    this.open.clear();
    await Promise.all(
      sockets.flatMap(([page, server]) => [
        page.close({ code: 1011, reason: "unreachable (test)" }),
        server.close({ code: 1011, reason: "unreachable (test)" }),
      ]),
    );
  }

  restore(): void {
    this.severed = false;
  }
}
