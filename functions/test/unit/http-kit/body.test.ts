import { expect } from "chai";
import { z } from "zod";
import { isJsonContentType, parseJsonBody, type JsonRequest } from "../../../src/http-kit/body.js";
import { HttpError } from "../../../src/http-kit/errors.js";

const schema = z.strictObject({ name: z.string().min(1), count: z.number().int() });

function request(body: unknown, contentType = "application/json"): JsonRequest {
  return {
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: { "content-type": contentType },
  };
}

function thrown(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error("expected an HttpError");
}

describe("isJsonContentType", () => {
  it("accepts application/json with parameters and +json types, and rejects the rest", () => {
    expect(isJsonContentType("application/json")).to.be.true;
    expect(isJsonContentType("Application/JSON; charset=utf-8")).to.be.true;
    expect(isJsonContentType("application/merge-patch+json")).to.be.true;
    expect(isJsonContentType("text/plain")).to.be.false;
    expect(isJsonContentType("application/jsonp")).to.be.false;
    expect(isJsonContentType(undefined)).to.be.false;
  });
});

describe("parseJsonBody", () => {
  it("returns the parsed body when it matches the schema", () => {
    expect(parseJsonBody(request({ name: "a", count: 2 }), schema)).to.deep.equal({
      name: "a",
      count: 2,
    });
  });

  it("rejects a body that is not JSON with 415", () => {
    const error = thrown(() => parseJsonBody(request("name=a", "text/plain"), schema));
    expect(error.code).to.equal("UNSUPPORTED_MEDIA_TYPE");
    expect(error.httpStatus).to.equal(415);
    const untyped: JsonRequest = { body: {}, rawBody: Buffer.from("{}"), headers: {} };
    expect(thrown(() => parseJsonBody(untyped, schema)).httpStatus).to.equal(415);
  });

  it("rejects a body over the limit with 413 before looking at its shape", () => {
    const error = thrown(() => parseJsonBody(request({ name: "x".repeat(200) }), schema, 100));
    expect(error.code).to.equal("PAYLOAD_TOO_LARGE");
    expect(error.httpStatus).to.equal(413);
  });

  it("falls back to Content-Length when the raw bytes are not kept", () => {
    const error = thrown(() =>
      parseJsonBody(
        { body: {}, headers: { "content-type": "application/json", "content-length": "5000" } },
        schema,
        100,
      ),
    );
    expect(error.httpStatus).to.equal(413);
  });

  it("rejects a body of the wrong shape with 400 and zod's issues, never echoing the input", () => {
    const error = thrown(() =>
      parseJsonBody(request({ name: "secret-value", count: 1.5, extra: true }), schema),
    );
    expect(error.code).to.equal("INVALID_ARGUMENT");
    const details = error.details as { issues: { path: unknown[]; code: string }[] };
    expect(details.issues.map((issue) => [issue.path, issue.code])).to.deep.equal([
      [["count"], "invalid_type"],
      [[], "unrecognized_keys"],
    ]);
    expect(JSON.stringify(error.toBody())).not.to.contain("secret-value");
  });
});
