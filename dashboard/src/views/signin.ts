/**
 * The sign-in form (Firebase Auth email and password) and the page shown to a signed-in user
 * who is not a member of any tenant.
 *
 * Test hooks: signin-form, signin-email, signin-password, signin-submit, signin-error,
 * signin-notice (why the previous session ended), no-membership, no-membership-sign-out.
 */
import type { Backend } from "../firebase.js";
import { h } from "../dom.js";

function authErrorText(error: unknown): string {
  const code =
    typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  switch (code) {
    case "auth/invalid-credential":
    case "auth/wrong-password":
    case "auth/user-not-found":
    case "auth/invalid-email":
      return "Wrong email or password.";
    case "auth/user-disabled":
      return "This account is disabled.";
    case "auth/too-many-requests":
      return "Too many attempts. Wait a moment and try again.";
    case "auth/network-request-failed":
      return "Cannot reach the sign-in service.";
    default:
      return error instanceof Error ? error.message : "Sign-in failed.";
  }
}

export function mountSignIn(root: HTMLElement, backend: Backend, notice?: string): void {
  const email = h("input", {
    testId: "signin-email",
    attrs: { type: "email", name: "email", autocomplete: "username", required: true },
  });
  const password = h("input", {
    testId: "signin-password",
    attrs: { type: "password", name: "password", autocomplete: "current-password", required: true },
  });
  const submit = h(
    "button",
    { testId: "signin-submit", className: "primary", attrs: { type: "submit" } },
    "Sign in",
  );
  const errorLine = h("p", {
    className: "reason",
    testId: "signin-error",
    attrs: { role: "alert", hidden: true },
  });
  const form = h(
    "form",
    {
      className: "signin",
      testId: "signin-form",
      on: {
        submit: (event) => {
          event.preventDefault();
          submit.disabled = true;
          errorLine.hidden = true;
          backend.signIn(email.value.trim(), password.value).catch((error: unknown) => {
            errorLine.textContent = authErrorText(error);
            errorLine.hidden = false;
            submit.disabled = false;
            password.select();
          });
        },
      },
    },
    h("h1", {}, "Lifeline"),
    h("p", { className: "tagline" }, "Live supervision of AI-answered calls"),
    notice === undefined
      ? null
      : h(
          "div",
          { className: "notice", attrs: { role: "alert" } },
          h("strong", { className: "notice-title" }, "You were signed out"),
          h("p", { testId: "signin-notice" }, notice),
        ),
    h("label", {}, "Email", email),
    h("label", {}, "Password", password),
    submit,
    errorLine,
    backend.usesEmulators
      ? h(
          "p",
          { className: "hint" },
          "Local emulators: sign in with a demo account printed by npm start.",
        )
      : null,
  );
  root.replaceChildren(h("main", { className: "signin-page" }, form));
  email.focus();
}

export function mountNoMembership(root: HTMLElement, backend: Backend, email: string): void {
  root.replaceChildren(
    h(
      "main",
      { className: "signin-page" },
      h(
        "div",
        { className: "signin", testId: "no-membership" },
        h("h1", {}, "Lifeline"),
        h(
          "p",
          {},
          `${email} is signed in but is not a member of any tenant. Ask an admin to add you.`,
        ),
        h(
          "button",
          {
            testId: "no-membership-sign-out",
            attrs: { type: "button" },
            on: { click: () => void backend.signOut() },
          },
          "Sign out",
        ),
      ),
    ),
  );
}
