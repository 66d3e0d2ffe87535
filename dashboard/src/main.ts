/**
 * Entry point: loads the Firebase config once, then shows the sign-in form or the dashboard for
 * the member the token's claims name, mounting it again whenever the member, tenant or role changes.
 */
import "./styles.css";
import { Backend, type SessionState } from "./firebase.js";
import { h } from "./dom.js";
import { mountApp, type AppHandle } from "./views/app.js";
import { mountNoMembership, mountSignIn } from "./views/signin.js";

function applyDisplayPreferences(): void {
  const wall =
    new URLSearchParams(location.search).get("wall") === "1" ||
    localStorage.getItem("lifeline.wall") === "1";
  document.documentElement.classList.toggle("wall", wall);
}

async function main(root: HTMLElement): Promise<void> {
  applyDisplayPreferences();
  const backend = await Backend.connect();
  let app: AppHandle | undefined;
  let mountedKey: string | undefined;
  let pendingNotice: string | undefined;
  // Mounts run one at a time: an unmount (presence cleared) finishes before the next view starts.
  let queue = Promise.resolve();

  function show(state: SessionState): void {
    queue = queue.then(async () => {
      const key =
        state.kind === "member"
          ? `${state.session.uid}|${state.session.tenant}|${state.session.role}`
          : state.kind;
      // A token refresh with unchanged claims keeps the page (and its subscriptions) as it is.
      if (key === mountedKey) return;
      mountedKey = key;
      await app?.unmount();
      app = undefined;
      if (state.kind === "signedOut") {
        mountSignIn(root, backend, pendingNotice);
        pendingNotice = undefined;
      } else if (state.kind === "noMembership") {
        mountNoMembership(root, backend, state.email);
      } else {
        app = mountApp(root, backend, state.session, {
          onSessionLost: (message) => {
            pendingNotice = message;
            void backend.signOut();
          },
        });
      }
    });
  }

  backend.onSession((state) => {
    show(state);
  });
}

const root = document.getElementById("root");
if (root !== null) {
  main(root).catch((error: unknown) => {
    console.error(error);
    root.replaceChildren(
      h(
        "main",
        { className: "signin-page" },
        h(
          "div",
          { className: "signin", testId: "startup-error", attrs: { role: "alert" } },
          h("h1", {}, "Lifeline"),
          h("p", {}, "The dashboard could not start: "),
          h("p", { className: "reason" }, error instanceof Error ? error.message : String(error)),
        ),
      ),
    );
  });
}
