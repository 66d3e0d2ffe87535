/**
 * What `npm start` shows of the emulator suite's output: the expected-but-alarming lines of
 * firebase-tools are dropped, the functions' structured log lines are dropped at INFO and shown
 * readably from WARNING up, and everything else passes unchanged.
 */
import { expect } from "chai";
import { quietLine } from "../../scripts/lib/quiet-log.mjs";

describe("quietLine (npm start's filter)", () => {
  it("drops the launcher's expected warnings, coloured or not", () => {
    for (const line of [
      "⚠  database: Env variable override detected. Using database emulator at /tmp/lifeline-emulators-0/database-emulator.jar",
      "\u001b[33m⚠ \u001b[39m \u001b[33mfirestore:\u001b[39m Env variable override detected. Using firestore emulator at /tmp/x/firestore-emulator.jar",
      "⚠  Unable to fetch the CLI MOTD and remote config. This is not a fatal error, but may indicate an issue with your network connection.",
      "Serving at port 8838",
      "i  functions: Loaded environment variables from functions/.env.local",
    ]) {
      expect(quietLine(line), line).to.equal(null);
    }
  });

  it("drops the functions' INFO lines and shows a WARNING as one readable line", () => {
    expect(
      quietLine('>  {"tenantId":"demo","callId":"c1","severity":"INFO","message":"turn recorded"}'),
    ).to.equal(null);
    expect(
      quietLine(
        '>  {"callId":"c1","ms":{"write":5},"severity":"WARNING","message":"turn deferred"}',
      ),
    ).to.equal('⚠  functions warning: turn deferred (callId=c1 ms={"write":5})');
    expect(quietLine('>  {"severity":"ERROR","message":"boom"}')).to.equal(
      "⚠  functions error: boom",
    );
  });

  it("passes the demo's lines, other warnings and unparsable output unchanged", () => {
    for (const line of [
      "[demo 01:29] Ada Okafor (voice) [normal] caller: Hello, it's Ada.",
      "⚠  functions: Your function timed out after ~60s.",
      ">  not json {",
      '>  {"no":"message"}',
      "Serving at port 8838 and more",
      "",
    ]) {
      expect(quietLine(line), line).to.equal(line);
    }
  });
});
