/**
 * The sign-in form (Firebase Auth email and password) and the page shown to a signed-in user
 * who is not a member of any tenant.
 *
 * Test hooks: signin-form, signin-email, signin-password, signin-submit, signin-error,
 * signin-notice (why the previous session ended), no-membership, no-membership-sign-out.
 */
import { html, nothing, render } from "lit-html";
import { ref } from "lit-html/directives/ref.js";
import type { Firebase } from "../firebase/app.js";
import { signIn, signOut } from "../firebase/auth.js";
import { focusWhenPlaced } from "./parts.js";

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

export function mountSignIn(root: HTMLElement, firebase: Firebase, notice?: string): void {
  let error: string | undefined;
  let busy = false;

  function submit(event: Event): void {
    event.preventDefault();
    const form = event.currentTarget;
    if (!(form instanceof HTMLFormElement)) return;
    const field = (name: string) =>
      form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value ?? "";
    const email = field("email").trim();
    const password = field("password");
    busy = true;
    error = undefined;
    draw();
    signIn(firebase.auth, email, password).catch((failure: unknown) => {
      error = authErrorText(failure);
      busy = false;
      draw();
      form.querySelector<HTMLInputElement>('input[name="password"]')?.select();
    });
  }

  function draw(): void {
    render(
      html`<main class="signin-page">
        <form class="signin" data-testid="signin-form" @submit=${submit}>
          <h1>Lifeline</h1>
          <p class="tagline">Live supervision of AI-answered calls</p>
          ${
            notice === undefined
              ? nothing
              : html`<div class="notice" role="alert">
                <strong class="notice-title">You were signed out</strong>
                <p data-testid="signin-notice">${notice}</p>
              </div>`
          }
          <label
            >Email<input
              data-testid="signin-email"
              type="email"
              name="email"
              autocomplete="username"
              required
              ${ref(focusWhenPlaced)}
          /></label>
          <label
            >Password<input
              data-testid="signin-password"
              type="password"
              name="password"
              autocomplete="current-password"
              required
          /></label>
          <button type="submit" class="primary" data-testid="signin-submit" ?disabled=${busy}
            >Sign in</button
          >
          <p class="reason" data-testid="signin-error" role="alert" ?hidden=${error === undefined}
            >${error ?? ""}</p
          >
          ${
            firebase.usesEmulators
              ? html`<p class="hint">
                Local emulators: sign in with a demo account printed by npm start.
              </p>`
              : nothing
          }
        </form>
      </main>`,
      root,
    );
  }
  draw();
}

export function mountNoMembership(root: HTMLElement, firebase: Firebase, email: string): void {
  render(
    html`<main class="signin-page">
      <div class="signin" data-testid="no-membership">
        <h1>Lifeline</h1>
        <p>${email} is signed in but is not a member of any tenant. Ask an admin to add you.</p>
        <button
          type="button"
          data-testid="no-membership-sign-out"
          @click=${() => void signOut(firebase.auth)}
        >Sign out</button>
      </div>
    </main>`,
    root,
  );
}
