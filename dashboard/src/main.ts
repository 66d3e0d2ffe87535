/**
 * Entry point: loads the Firebase config once, then shows the sign-in form or the dashboard for
 * the member the token's claims name, on its tenant's database instance, mounting it again whenever
 * the member, tenant, role or instance changes.
 */
import "./zod-config.js";
import "./styles.css";
import { html, render } from "lit-html";
import { mountApp, type AppHandle } from "./app/mount.js";
import { connectFirebase, onInstance } from "./firebase/app.js";
import { onSession, signOut, type SessionState } from "./firebase/auth.js";
import { mountNoMembership, mountSignIn } from "./views/signin.js";

/** After a move's token refresh, the page reloads if it has not reconnected by then. */
const MOVE_RELOAD_MS = 5_000;

function applyDisplayPreferences(): void {
  const wall =
    new URLSearchParams(location.search).get("wall") === "1" ||
    localStorage.getItem("lifeline.wall") === "1";
  document.documentElement.classList.toggle("wall", wall);
}

async function main(root: HTMLElement): Promise<void> {
  applyDisplayPreferences();
  const firebase = await connectFirebase();
  // lit-html renders after what a container holds: the "Loading…" line goes first.
  root.replaceChildren();
  let app: AppHandle | undefined;
  let mountedKey: string | undefined;
  let pendingNotice: string | undefined;
  // Mounts run one at a time: an unmount (presence cleared) finishes before the next view starts.
  let queue = Promise.resolve();

  function show(state: SessionState): void {
    queue = queue.then(async () => {
      const key =
        state.kind === "member"
          ? `${state.session.uid}|${state.session.tenant}|${state.session.role}|${state.session.database ?? ""}`
          : state.kind;
      // A token refresh with unchanged claims keeps the page (and its subscriptions) as it is.
      if (key === mountedKey) return;
      mountedKey = key;
      await app?.unmount();
      app = undefined;
      if (state.kind === "signedOut") {
        mountSignIn(root, firebase, pendingNotice);
        pendingNotice = undefined;
      } else if (state.kind === "noMembership") {
        mountNoMembership(root, firebase, state.email);
      } else {
        app = mountApp(root, onInstance(firebase, state.session.database), state.session, {
          onSessionLost: (message) => {
            pendingNotice = message;
            void signOut(firebase.auth);
          },
          onTenantMoved: () => {
            // The fresh token's `db` claim names the new instance: `show` mounts the page there.
            // Should the claims not have changed yet, a reload signs in again from scratch.
            const before = mountedKey;
            void firebase.auth.currentUser?.getIdToken(true).finally(() => {
              setTimeout(() => {
                if (mountedKey === before) location.reload();
              }, MOVE_RELOAD_MS);
            });
          },
        });
      }
    });
  }

  onSession(firebase.auth, show);
}

const root = document.getElementById("root");
if (root !== null) {
  main(root).catch((error: unknown) => {
    console.error(error);
    root.replaceChildren();
    render(
      html`<main class="signin-page">
        <div class="signin" data-testid="startup-error" role="alert">
          <h1>Lifeline</h1>
          <p>The dashboard could not start: </p>
          <p class="reason">${error instanceof Error ? error.message : String(error)}</p>
        </div>
      </main>`,
      root,
    );
  });
}
