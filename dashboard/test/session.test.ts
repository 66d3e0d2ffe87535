import { expect } from "chai";
import type { MemberMirror } from "@lifeline/model";
import { accessVerdict, isPermissionDenied, movingNotice } from "../src/logic/session.js";

const session = { role: "dispatcher", authTimeMs: 1_700_000_000_000 } as const;
const dispatcher: MemberMirror = { role: "dispatcher", name: "Dana" };

describe("accessVerdict", () => {
  it("keeps the session while the record is there with the same role and no newer revocation", () => {
    expect(accessVerdict(session, { member: dispatcher, revokedAt: null })).to.deep.equal({
      ok: true,
    });
    // Nothing known yet is not a reason to sign out.
    expect(accessVerdict(session, {})).to.deep.equal({ ok: true });
  });

  it("follows the tenant to the instance it moved to, whatever the old instance says of the member", () => {
    const to = "demo-lifeline-shard-2";
    const moved = { ok: false, why: "moved", to };
    expect(accessVerdict(session, { movedTo: to })).to.deep.equal(moved);
    // The old copy is removed right after the marker: the member seems gone, the token revoked.
    expect(accessVerdict(session, { movedTo: to, member: null })).to.deep.equal(moved);
    expect(
      accessVerdict(session, { movedTo: to, revokedAt: session.authTimeMs + 1 }),
    ).to.deep.equal(moved);
    // No marker (or none yet): the page stays.
    expect(accessVerdict(session, { movedTo: null, member: dispatcher })).to.deep.equal({
      ok: true,
    });
    expect(accessVerdict(session, { movedTo: null, member: null })).to.deep.equal({
      ok: false,
      why: "removed",
    });
  });

  it("signs out when the member record is gone", () => {
    expect(accessVerdict(session, { member: null })).to.deep.equal({ ok: false, why: "removed" });
  });

  it("signs out when the record names another role", () => {
    expect(accessVerdict(session, { member: { role: "nurse", name: "Dana" } })).to.deep.equal({
      ok: false,
      why: "role_changed",
    });
  });

  it("signs out on a revocation later than the sign-in, as the rules compare them", () => {
    expect(accessVerdict(session, { revokedAt: session.authTimeMs + 1 })).to.deep.equal({
      ok: false,
      why: "revoked",
    });
    // A sign-in in the same millisecond as the revocation is still allowed by the rules.
    expect(accessVerdict(session, { revokedAt: session.authTimeMs })).to.deep.equal({ ok: true });
    expect(accessVerdict(session, { revokedAt: session.authTimeMs - 60_000 })).to.deep.equal({
      ok: true,
    });
  });
});

describe("movingNotice", () => {
  const move = { to: "demo-lifeline-shard-2", since: 1 };

  it("says actions are paused and callers still answered while the tenant moves", () => {
    const text = movingNotice({ moving: move, movedTo: null });
    expect(text).to.match(/actions are paused/);
    expect(text).to.match(/answering every caller/);
  });

  it("says nothing before the marker is known, without a move, or once the move is done", () => {
    expect(movingNotice({})).to.equal(undefined);
    expect(movingNotice({ moving: null })).to.equal(undefined);
    expect(movingNotice({ moving: move, movedTo: move.to })).to.equal(undefined);
  });
});

describe("isPermissionDenied", () => {
  it("recognises the SDK's cancel error and nothing else", () => {
    const denied = Object.assign(
      new Error("permission_denied at /tenants/demo: Client doesn't have permission"),
      {
        code: "PERMISSION_DENIED",
      },
    );
    expect(isPermissionDenied(denied)).to.equal(true);
    expect(isPermissionDenied(new Error("network error"))).to.equal(false);
  });
});
