import { expect } from "chai";
import {
  defaultInstance,
  instanceOfUrl,
  instanceUrl,
  lifelineInstances,
} from "../../src/store/instances.js";
import { TtlCache } from "../../src/store/directory.js";

const emulated = {
  FIREBASE_CONFIG: JSON.stringify({ databaseURL: "http://127.0.0.1:9000/?ns=demo-x-default-rtdb" }),
};
const deployed = {
  FIREBASE_CONFIG: JSON.stringify({
    databaseURL: "https://p-default-rtdb.europe-west1.firebasedatabase.app",
  }),
};

describe("defaultInstance", () => {
  it("returns the emulator's ns parameter", () => {
    expect(defaultInstance(emulated)).to.equal("demo-x-default-rtdb");
  });

  it("returns the host's first label in production", () => {
    expect(defaultInstance(deployed)).to.equal("p-default-rtdb");
  });

  it("falls back to DATABASE_URL, and to nothing", () => {
    expect(defaultInstance({ DATABASE_URL: "https://q-default-rtdb.firebaseio.com" })).to.equal(
      "q-default-rtdb",
    );
    expect(defaultInstance({})).to.equal(undefined);
  });
});

describe("lifelineInstances", () => {
  it("listens on every instance of the project, <project>-*", () => {
    expect(lifelineInstances(emulated)).to.equal("demo-x-*");
    expect(lifelineInstances(deployed)).to.equal("p-*");
  });

  it("listens on the default instance alone when it is not named <project>-default-rtdb", () => {
    expect(lifelineInstances({ DATABASE_URL: "https://custom-db.firebaseio.com" })).to.equal(
      "custom-db",
    );
  });

  it("returns every instance when nothing is configured", () => {
    expect(lifelineInstances({})).to.equal("*");
  });
});

describe("instanceUrl", () => {
  it("names another namespace on the same emulator", () => {
    const url = instanceUrl("demo-x-shard-2", "http://127.0.0.1:9000/?ns=demo-x-default-rtdb");
    expect(url).to.equal("http://127.0.0.1:9000/?ns=demo-x-shard-2");
    expect(instanceOfUrl(url)).to.equal("demo-x-shard-2");
  });

  it("keeps the default instance's domain in production", () => {
    expect(
      instanceUrl("p-shard-2", "https://p-default-rtdb.europe-west1.firebasedatabase.app"),
    ).to.equal("https://p-shard-2.europe-west1.firebasedatabase.app");
    expect(instanceUrl("p-shard-2", "https://p-default-rtdb.firebaseio.com")).to.equal(
      "https://p-shard-2.firebaseio.com",
    );
  });
});

describe("TtlCache", () => {
  it("keeps a value the TTL, and one the shorter TTL picks for only that long", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<string>(
      () => 30_000,
      () => now,
      (value) => (value === "moving" ? 2_000 : undefined),
    );
    const load = (value: string) => () => {
      loads++;
      return Promise.resolve(value);
    };
    expect(await cache.get("steady", load("steady"))).to.equal("steady");
    expect(await cache.get("moving", load("moving"))).to.equal("moving");
    now = 2_001;
    expect(await cache.get("steady", load("changed"))).to.equal("steady");
    expect(await cache.get("moving", load("moved"))).to.equal("moved");
    now = 30_001;
    expect(await cache.get("steady", load("changed"))).to.equal("changed");
    expect(loads).to.equal(4);
  });
});
