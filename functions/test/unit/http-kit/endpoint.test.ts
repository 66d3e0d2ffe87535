import { expect } from "chai";
import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { endpoint, routedEndpoint, type Handler } from "../../../src/http-kit/endpoint.js";
import { HttpError } from "../../../src/http-kit/errors.js";
import { TenantMoving } from "../../../src/store/instances.js";

describe("endpoint", () => {
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    app.use(express.json());
    // Cloud Functions hands endpoints an express request that also carries the raw body, with
    // `path` relative to the function's own URL (what `app.use` gives a mounted handler).
    const mount = (path: string, methods: string[], handle: Handler, routed = false) => {
      const handler = routed ? routedEndpoint(methods, handle) : endpoint(methods, handle);
      app.use(path, (request, response) => {
        void handler(Object.assign(request, { rawBody: Buffer.from("") }), response);
      });
    };
    mount("/routed", ["GET"], (request) => Promise.resolve({ path: request.path }), true);
    mount("/ok", ["POST"], (request) =>
      Promise.resolve({ echo: (request.body as { x?: number }).x }),
    );
    mount("/denied", ["GET"], () => {
      throw new HttpError("UNAUTHENTICATED", "Sign in.", {
        headers: { "WWW-Authenticate": 'Bearer realm="lifeline"' },
      });
    });
    mount("/bug", ["GET"], () => Promise.reject(new Error("secret detail")));
    mount("/moving", ["GET"], () =>
      Promise.reject(new TenantMoving("tenant-a", { to: "demo-x-shard-2", since: 1 })),
    );
    await new Promise<void>((resolve) => {
      server = app.listen(0, "127.0.0.1", () => {
        resolve();
      });
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  it("returns the handler's result as JSON", async () => {
    const response = await fetch(`${base}/ok`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ x: 7 }),
    });
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ echo: 7 });
  });

  it("answers 404 for a path below a single-resource endpoint, before the method or the handler", async () => {
    for (const [method, path] of [
      ["POST", "/ok/extra"],
      ["POST", "/ok/extra/segments"],
      ["GET", "/ok/extra"],
    ] as const) {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ x: 7 }) } : {}),
      });
      expect(response.status, path).to.equal(404);
      expect(await response.json(), path).to.deep.include({
        error: {
          status: "NOT_FOUND",
          message: "No such resource: this endpoint has no sub-paths.",
        },
      });
    }
  });

  it("hands a routed endpoint its own path segments", async () => {
    const response = await fetch(`${base}/routed/tenant-a/uid-1`);
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ path: "/tenant-a/uid-1" });
  });

  it("rejects other methods with 405, an Allow header and a machine-readable body", async () => {
    const response = await fetch(`${base}/ok`);
    expect(response.status).to.equal(405);
    expect(response.headers.get("allow")).to.equal("POST");
    const body = (await response.json()) as { error: { status: string } };
    expect(body.error.status).to.equal("METHOD_NOT_ALLOWED");
  });

  it("maps an HttpError to its status, headers and body", async () => {
    const response = await fetch(`${base}/denied`);
    expect(response.status).to.equal(401);
    expect(response.headers.get("www-authenticate")).to.equal('Bearer realm="lifeline"');
    expect(await response.json()).to.deep.equal({
      error: { status: "UNAUTHENTICATED", message: "Sign in." },
    });
  });

  it("answers a tenant in the middle of a move with 503, Retry-After and a machine-readable reason", async () => {
    const response = await fetch(`${base}/moving`);
    expect(response.status).to.equal(503);
    expect(response.headers.get("retry-after")).to.equal(String(TenantMoving.RETRY_AFTER_SECONDS));
    expect(await response.json()).to.deep.equal({
      error: {
        status: "UNAVAILABLE",
        message: "The tenant is moving to another database; retry shortly.",
        details: { reason: "tenant_moving", tenantId: "tenant-a", to: "demo-x-shard-2" },
      },
    });
  });

  it("answers an unexpected failure with a generic 500 that hides the cause", async () => {
    const response = await fetch(`${base}/bug`);
    expect(response.status).to.equal(500);
    const text = await response.text();
    expect(text).not.to.contain("secret detail");
    expect(JSON.parse(text)).to.deep.equal({
      error: { status: "INTERNAL", message: "Internal error." },
    });
  });
});
