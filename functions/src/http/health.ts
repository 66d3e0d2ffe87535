import { onRequest } from "firebase-functions/v2/https";
import { endpoint } from "../lib/http.js";

/** Liveness: cheap, touches no database, safe to poll. */
export const health = onRequest(
  endpoint(["GET", "HEAD"], () =>
    Promise.resolve({ status: "ok", time: new Date().toISOString() }),
  ),
);
