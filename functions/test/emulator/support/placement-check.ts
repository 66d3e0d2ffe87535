/**
 * A root hook for the pipeline run (`.mocharc.pipeline.yaml`): once every test has run, each tenant
 * the fixtures seeded is checked again. It must still be placed on this run's instance and, when
 * that is not the default one, the default instance must hold nothing of it: the functions wrote
 * its calls, messages, alerts and fan-out through the tenant's record, never to the default.
 */
import { adminSdk, checkTestPlacement, DEFAULT_INSTANCE, TEST_INSTANCE } from "./emulators.js";

export const mochaHooks = {
  async afterAll(): Promise<void> {
    const admin = adminSdk();
    try {
      const { tenants, withData, problems } = await checkTestPlacement(admin);
      const elsewhere = TEST_INSTANCE === DEFAULT_INSTANCE ? "" : `, none on ${DEFAULT_INSTANCE}`;
      console.log(
        `  test tenants on ${TEST_INSTANCE}: ${tenants} seeded, ${withData} with live data there${
          problems.length === 0 ? elsewhere : `; ${problems.length} misplaced`
        }`,
      );
      if (problems.length > 0) throw new Error(problems.join("\n"));
    } finally {
      await admin.close();
    }
  },
};
