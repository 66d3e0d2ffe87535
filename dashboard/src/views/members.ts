/**
 * Members (admins only): the tenant's members from the mirror with role, subjects and presence;
 * add, change role, assign subjects, remove, over the members endpoint. The endpoint's refusals
 * show as given: its message in the form's alert line, each field's issue under that field. An
 * admin's own row offers neither a role change nor removal, as the endpoint refuses both.
 *
 * Hooks: members-view, member-row (data-uid, data-role, data-presence), member-edit,
 * member-remove, member-remove-confirm, member-edit-form, member-edit-role, member-edit-save,
 * member-edit-error, member-remove-error, member-create-form, member-create-{email,password,name,
 * role}, member-create-subject (data-subject-id), member-create-submit, member-create-error,
 * member-field-error (data-field).
 */
import { html, nothing, type TemplateResult } from "lit-html";
import { repeat } from "lit-html/directives/repeat.js";
import { type MemberMirror, ROLES } from "@lifeline/model";
import type { Intents } from "../app/intents.js";
import type { AppState, EndpointProblem } from "../state/app-state.js";
import { livenessOf } from "../state/selectors.js";

const PRESENCE_TEXT = { online: "Online", away: "Away", offline: "Offline" } as const;

function subjectName(state: AppState, id: string): string {
  return state.subjects.get(id)?.name ?? id;
}

function fieldError(
  problem: EndpointProblem | undefined,
  field: string,
): TemplateResult | typeof nothing {
  const text = problem?.fields[field];
  return text === undefined
    ? nothing
    : html`<span
        class="field-error"
        id=${`member-${field}-error`}
        data-testid="member-field-error"
        data-field=${field}
        >${text}</span
      >`;
}

function problemLine(problem: EndpointProblem | undefined, testid: string): TemplateResult {
  return html`<p class="reason" role="alert" data-testid=${testid} ?hidden=${problem === undefined}
    >${problem?.message ?? ""}</p
  >`;
}

function subjectChoices(
  state: AppState,
  chosen: readonly string[],
  name: string,
  testid: string,
  change: (subjects: string[]) => void,
): TemplateResult {
  const subjects = [...state.subjects].sort(([, a], [, b]) => a.name.localeCompare(b.name));
  if (subjects.length === 0) return html`<p class="meta">No subjects in this tenant.</p>`;
  return html`<div class="subject-choices">
    ${subjects.map(
      ([id, subject]) =>
        html`<label class="check"
          ><input
            type="checkbox"
            name=${name}
            data-testid=${testid}
            data-subject-id=${id}
            .checked=${chosen.includes(id)}
            @change=${(event: Event) => {
              const on = (event.target as HTMLInputElement).checked;
              change(on ? [...chosen, id] : chosen.filter((other) => other !== id));
            }}
          />${subject.name}</label
        >`,
    )}
  </div>`;
}

function roleSelect(
  value: string,
  testid: string,
  label: string,
  change: (role: string) => void,
): TemplateResult {
  return html`<select
    data-testid=${testid}
    aria-label=${label}
    .value=${value}
    @change=${(event: Event) => {
      change((event.target as HTMLSelectElement).value);
    }}
  >
    ${ROLES.map((role) => html`<option value=${role} ?selected=${role === value}>${role}</option>`)}
  </select>`;
}

function editForm(state: AppState, intents: Intents, uid: string): TemplateResult {
  const view = state.membersView;
  const edit = view.edit;
  if (edit === undefined || edit.uid !== uid) return html``;
  const self = uid === state.session.uid;
  return html`<form
    class="member-edit"
    data-testid="member-edit-form"
    novalidate
    @submit=${(event: Event) => {
      event.preventDefault();
      intents.saveMember();
    }}
  >
    <label
      >Role
      ${
        self
          ? html`<span class="meta">${edit.role} — you cannot change your own role</span>`
          : roleSelect(edit.role, "member-edit-role", "Role", (role) => {
              intents.editMember({ role });
            })
      }
    </label>
    ${fieldError(view.editProblem, "role")}
    <fieldset>
      <legend>Subjects</legend>
      ${subjectChoices(
        state,
        edit.subjects,
        `subjects-${uid}`,
        "member-edit-subject",
        (subjects) => {
          intents.editMember({ subjects });
        },
      )}
      ${fieldError(view.editProblem, "subjects")}
    </fieldset>
    ${problemLine(view.editProblem, "member-edit-error")}
    <div class="row-actions">
      <button type="submit" class="primary" data-testid="member-edit-save" ?disabled=${view.busy}
        >Save</button
      >
      <button
        type="button"
        @click=${() => {
          intents.cancelMemberEdit();
        }}
      >Cancel</button>
    </div>
  </form>`;
}

function removeConfirm(
  state: AppState,
  intents: Intents,
  uid: string,
  member: MemberMirror,
): TemplateResult {
  const view = state.membersView;
  if (view.confirmRemove !== uid) return html``;
  return html`<div class="member-confirm" role="group" aria-label=${`Remove ${member.name}?`}>
    <p>Remove <strong>${member.name}</strong>? Their sessions end and they lose access at once.</p>
    ${problemLine(view.removeProblem, "member-remove-error")}
    <div class="row-actions">
      <button
        type="button"
        class="danger"
        data-testid="member-remove-confirm"
        ?disabled=${view.busy}
        @click=${() => {
          intents.confirmRemoveMember();
        }}
      >Yes, remove</button>
      <button
        type="button"
        @click=${() => {
          intents.askRemoveMember(undefined);
        }}
      >Keep</button>
    </div>
  </div>`;
}

function memberRow(
  state: AppState,
  intents: Intents,
  uid: string,
  member: MemberMirror,
): TemplateResult {
  const presence = livenessOf(state, uid);
  const self = uid === state.session.uid;
  const subjects = Object.keys(member.subjects ?? {}).map((id) => subjectName(state, id));
  return html`<li
    class="member-row"
    data-testid="member-row"
    data-uid=${uid}
    data-role=${member.role}
    data-presence=${presence}
  >
    <div class="member-line">
      <span class="name">${member.name}${self ? " (you)" : ""}</span>
      <span class="role">${member.role}</span>
      <span class="subjects">${subjects.length === 0 ? "—" : subjects.join(", ")}</span>
      <span class="presence-state state-${presence}"
        ><span class="dot" aria-hidden="true"></span>${PRESENCE_TEXT[presence]}</span
      >
      <span class="row-actions">
        <button
          type="button"
          data-testid="member-edit"
          aria-label=${`Edit ${member.name}`}
          @click=${() => {
            intents.startMemberEdit(uid);
          }}
        >Edit</button>
        ${
          self
            ? nothing
            : html`<button
                type="button"
                data-testid="member-remove"
                aria-label=${`Remove ${member.name}`}
                @click=${() => {
                  intents.askRemoveMember(uid);
                }}
              >Remove</button>`
        }
      </span>
    </div>
    ${editForm(state, intents, uid)} ${removeConfirm(state, intents, uid, member)}
  </li>`;
}

function createForm(state: AppState, intents: Intents): TemplateResult {
  const view = state.membersView;
  const draft = view.create;
  const problem = view.createProblem;
  const text = (
    field: "email" | "password" | "name",
    label: string,
    type: string,
    autocomplete: string,
  ) => html`<label
      >${label}
      <input
        type=${type}
        data-testid=${`member-create-${field}`}
        autocomplete=${autocomplete}
        aria-invalid=${problem?.fields[field] === undefined ? "false" : "true"}
        aria-describedby=${problem?.fields[field] === undefined ? nothing : `member-${field}-error`}
        .value=${draft[field]}
        @input=${(event: Event) => {
          intents.editNewMember({ [field]: (event.target as HTMLInputElement).value });
        }}
      />
      ${fieldError(problem, field)}
    </label>`;
  return html`<form
    class="member-create"
    data-testid="member-create-form"
    aria-labelledby="member-create-heading"
    novalidate
    @submit=${(event: Event) => {
      event.preventDefault();
      intents.submitNewMember();
    }}
  >
    <h3 id="member-create-heading">Add a member</h3>
    ${text("name", "Name", "text", "off")} ${text("email", "Email", "email", "off")}
    ${text("password", "Password", "password", "new-password")}
    <label
      >Role
      ${roleSelect(draft.role, "member-create-role", "Role", (role) => {
        intents.editNewMember({ role });
      })}
      ${fieldError(problem, "role")}
    </label>
    <fieldset>
      <legend>Subjects</legend>
      ${subjectChoices(
        state,
        draft.subjects,
        "create-subjects",
        "member-create-subject",
        (subjects) => {
          intents.editNewMember({ subjects });
        },
      )}
      ${fieldError(problem, "subjects")}
    </fieldset>
    ${problemLine(problem, "member-create-error")}
    <button type="submit" class="primary" data-testid="member-create-submit" ?disabled=${view.busy}
      >Add member</button
    >
  </form>`;
}

export function membersView(state: AppState, intents: Intents): TemplateResult {
  const members = [...state.members].sort(
    ([, a], [, b]) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name),
  );
  return html`<section
    class="members"
    data-testid="members-view"
    aria-labelledby="members-heading"
    ?hidden=${state.view !== "members"}
  >
    <h2 id="members-heading">Members</h2>
    <div class="members-columns">
      <div>
        <div class="member-head" aria-hidden="true">
          <span>Name</span><span>Role</span><span>Subjects</span><span>Presence</span><span></span>
        </div>
        <ul class="member-list" aria-label="Members of this tenant">
          ${repeat(
            members,
            ([uid]) => uid,
            ([uid, member]) => memberRow(state, intents, uid, member),
          )}
        </ul>
      </div>
      ${createForm(state, intents)}
    </div>
  </section>`;
}
