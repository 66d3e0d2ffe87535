// The dashboard's build. Only one setting differs from Vite's defaults: zod's sources carry
// `@__PURE__` annotations in places Rollup cannot use (its INVALID_ANNOTATION warning, one per
// comment); Rollup drops those comments and the bundle is the same, so the warning, which says
// nothing about this project, is not printed. Every other warning still is.
import { defineConfig } from "vite";

export default defineConfig({
  build: {
    rollupOptions: {
      onwarn(warning, warn) {
        if (
          warning.code === "INVALID_ANNOTATION" &&
          /[\\/]node_modules[\\/]zod[\\/]/.test(warning.id ?? "")
        ) {
          return;
        }
        warn(warning);
      },
    },
  },
});
