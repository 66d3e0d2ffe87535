import { expect } from "chai";
import {
  instanceDatabaseUrl,
  isLocalHost,
  localFallbackConfig,
  resolveEndpoints,
} from "../src/config.js";

describe("resolveEndpoints", () => {
  const demoInit = {
    projectId: "demo-lifeline",
    databaseURL: "https://demo-lifeline.firebaseio.com",
    storageBucket: "demo-lifeline.appspot.com",
    apiKey: "fake-api-key",
    authDomain: "demo-lifeline.firebaseapp.com",
  };

  it("uses the emulators on localhost, on the page's own host, with the rules' namespace", () => {
    const endpoints = resolveEndpoints(demoInit, "127.0.0.1");
    expect(endpoints.emulators).to.deep.equal({ host: "127.0.0.1" });
    expect(endpoints.firebase.databaseURL).to.equal(
      "https://demo-lifeline-default-rtdb.firebaseio.com",
    );
    expect(endpoints.functionsBase).to.equal("http://127.0.0.1:5001/demo-lifeline/us-central1");
  });

  it("uses production and the served databaseURL anywhere else", () => {
    const endpoints = resolveEndpoints(
      {
        ...demoInit,
        projectId: "acme",
        databaseURL: "https://acme-eu.europe-west1.firebasedatabase.app",
      },
      "acme.web.app",
    );
    expect(endpoints.emulators).to.equal(undefined);
    expect(endpoints.firebase.databaseURL).to.equal(
      "https://acme-eu.europe-west1.firebasedatabase.app",
    );
    expect(endpoints.functionsBase).to.equal("https://us-central1-acme.cloudfunctions.net");
  });

  it("does not treat a host that merely contains 'localhost' as local", () => {
    expect(isLocalHost("localhost.evil.example")).to.equal(false);
    expect(isLocalHost("localhost")).to.equal(true);
    expect(resolveEndpoints(demoInit, "localhost.evil.example").emulators).to.equal(undefined);
  });

  it("rejects a config without a project id or api key", () => {
    expect(() => resolveEndpoints({ apiKey: "k" }, "localhost")).to.throw();
    expect(() => resolveEndpoints({ projectId: "p" }, "localhost")).to.throw();
  });

  it("falls back locally to the demo project", () => {
    expect(resolveEndpoints(localFallbackConfig(), "localhost").firebase.projectId).to.equal(
      "demo-lifeline",
    );
  });
});

describe("instanceDatabaseUrl", () => {
  it("names the member's instance on the default instance's domain", () => {
    expect(
      instanceDatabaseUrl(
        "https://demo-lifeline-default-rtdb.firebaseio.com",
        "demo-lifeline-shard-2",
      ),
    ).to.equal("https://demo-lifeline-shard-2.firebaseio.com");
    expect(
      instanceDatabaseUrl("https://p-default-rtdb.europe-west1.firebasedatabase.app", "p-shard-2"),
    ).to.equal("https://p-shard-2.europe-west1.firebasedatabase.app");
  });

  it("keeps the default instance when the member has no db claim", () => {
    expect(instanceDatabaseUrl("https://p-default-rtdb.firebaseio.com", undefined)).to.equal(
      "https://p-default-rtdb.firebaseio.com",
    );
  });
});
