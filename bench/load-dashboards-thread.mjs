// Entry of bench/load.ts's dashboard threads: a worker thread does not inherit the main thread's
// `--import tsx`, so it registers tsx itself before loading the TypeScript module.
import { register } from "tsx/esm/api";

register();
await import("./load-dashboards.ts");
