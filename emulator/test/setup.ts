// Loaded by every mocha run: an unhandled rejection is a test failure, never a warning.
process.on("unhandledRejection", (reason) => {
  throw reason instanceof Error ? reason : new Error(String(reason));
});
