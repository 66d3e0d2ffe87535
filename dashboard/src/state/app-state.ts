/**
 * What the signed-in page knows: the data its listeners deliver, the member's selection, what is
 * being typed, and which form or dialog is open. Views are functions of this (and nothing else);
 * `live/subscriptions.ts` and the page's intents are the only writers.
 */
import type {
  Alert,
  Call,
  Guidance,
  InboxItem,
  LeadLabels,
  MemberMirror,
  Message,
  Viewer,
} from "@lifeline/model";
import type { Session } from "../firebase/auth.js";
import type { OutboxMessage, PresenceRecord, Subject } from "../firebase/database.js";
import type { AlertView, FollowUpOutcome } from "../logic/alerts.js";
import type { AwaySummary, StateSnapshot } from "../logic/away.js";
import {
  type ArchivedCallResponse,
  type HistoryFilterDraft,
  type HistoryItem,
  NO_FILTERS,
} from "../logic/history.js";
import type { AccessState } from "../logic/session.js";

export interface AwayState {
  /** Calls and alerts as they were when the connection dropped. */
  readonly before: StateSnapshot;
  readonly reconnectedAt?: number;
  /** Fixed once the settle time after the reconnect has passed; computed live until then. */
  readonly summary?: AwaySummary;
}

/** What is typed or chosen in the selected call's forms; reset when another call is selected. */
export interface Drafts {
  readonly message: string;
  readonly lead?: string;
  readonly overrideLevel?: string;
  readonly overrideReason: string;
  /** The End call button was pressed: its confirmation is showing. */
  readonly endConfirm?: boolean;
  /** A private instruction for the assistant, being typed. */
  readonly guidance?: string;
}

export interface AckFormState {
  readonly alertId: string;
  readonly status?: string;
  readonly note: string;
  readonly busy: boolean;
}

export type DialogState =
  | {
      readonly kind: "takeOver";
      readonly callId: string;
      /** The colleague who held the call when the dialog opened. */
      readonly holder: { readonly uid: string; readonly name: string };
      readonly reason: string;
      readonly error?: string;
      readonly busy: boolean;
      /** The holder changed since: the dialog can only be cancelled. */
      readonly stale: boolean;
    }
  | {
      readonly kind: "outcome";
      /** The follow-up as it was when the dialog opened. */
      readonly alert: AlertView;
      readonly outcome?: FollowUpOutcome;
      readonly note: string;
      readonly error?: string;
      readonly busy: boolean;
    }
  | { readonly kind: "help" };

export interface HistoryState {
  /** The search form as typed, and the search the listed items answer. */
  readonly draft: HistoryFilterDraft;
  readonly applied: HistoryFilterDraft;
  readonly items: readonly HistoryItem[];
  readonly loaded: boolean;
  readonly loading: boolean;
  readonly nextCursor?: string;
  readonly error?: string;
  readonly detail?:
    | { readonly kind: "loading"; readonly callId: string }
    | { readonly kind: "error"; readonly callId: string; readonly message: string }
    | {
        readonly kind: "loaded";
        readonly callId: string;
        readonly archived: ArchivedCallResponse;
      };
}

/** An endpoint's refusal: its message, and the issues it names by field. */
export interface EndpointProblem {
  readonly message: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface MemberDraft {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly role: string;
  readonly subjects: readonly string[];
}

export const EMPTY_MEMBER_DRAFT: MemberDraft = {
  email: "",
  password: "",
  name: "",
  role: "dispatcher",
  subjects: [],
};

/** The Members view (admins): the create form, the member being edited, a removal to confirm. */
export interface MembersState {
  readonly create: MemberDraft;
  readonly createProblem?: EndpointProblem;
  readonly edit?: {
    readonly uid: string;
    readonly role: string;
    readonly subjects: readonly string[];
  };
  readonly editProblem?: EndpointProblem;
  readonly confirmRemove?: string;
  readonly removeProblem?: EndpointProblem;
  readonly busy: boolean;
}

/** The alarm as this browser has it: its mute switch, the sound's and notifications' permission. */
export interface AlarmState {
  readonly muted: boolean;
  /** The browser holds the sound until a click or key press on the page. */
  readonly audioBlocked: boolean;
  readonly notifications: NotificationPermission | "unsupported";
  /** Alerts this page is acknowledging (write in flight): they stop ringing at the click. */
  readonly acknowledging: ReadonlySet<string>;
}

export interface AppState {
  readonly session: Session;
  /** The browser's clock at the last tick or change: relative times are judged against it. */
  readonly now: number;
  /** Server clock minus ours: presence heartbeats carry server time. */
  readonly serverOffsetMs: number;
  /** `undefined` until the first `.info/connected` answer. */
  readonly connected: boolean | undefined;
  readonly member: MemberMirror | undefined;
  readonly access: AccessState;
  readonly tenantCalls: ReadonlyMap<string, Call>;
  /** Scoped roles: the calls of each assigned subject, by subject id. */
  readonly subjectCalls: ReadonlyMap<string, ReadonlyMap<string, Call>>;
  readonly subjects: ReadonlyMap<string, Subject>;
  readonly feed: ReadonlyMap<string, Alert>;
  readonly inbox: ReadonlyMap<string, InboxItem>;
  /** Scoped roles: the alert record behind each inbox item (level, acks), when readable. */
  readonly alertRecords: ReadonlyMap<string, Alert>;
  readonly presence: ReadonlyMap<string, PresenceRecord>;
  /** Who has each call open (by call id, then uid): every call for tenant-wide roles, else the selected one. */
  readonly viewers: ReadonlyMap<string, ReadonlyMap<string, Viewer>>;
  /** Staff's private guidance for the assistant, by call id: the selected call's (staff only). */
  readonly guidance: ReadonlyMap<string, ReadonlyMap<string, Guidance>>;
  /** The tenant's own words for lead statuses (empty: the defaults; subjects never read them). */
  readonly leadLabels: LeadLabels;
  readonly selectedCallId: string | undefined;
  /**
   * Who chose the selected call: the member (never changed for them), or the page, which opened
   * the most urgent unhandled call while nothing was chosen.
   */
  readonly selectedBy: "member" | "page" | undefined;
  readonly messages: ReadonlyMap<string, Message>;
  /** Messages that arrived below the visible part while the reader was scrolled up. */
  readonly unseenMessages: number;
  readonly outbox: ReadonlyMap<string, OutboxMessage>;
  readonly drafts: Drafts;
  /** A call action is in flight: its controls stay disabled until it settles. */
  readonly busy: boolean;
  readonly ack: AckFormState | undefined;
  readonly dialog: DialogState | undefined;
  readonly view: "live" | "history" | "members";
  /** The tenant's member mirror (admins and dispatchers read it): names, roles, assignments. */
  readonly members: ReadonlyMap<string, MemberMirror>;
  readonly membersView: MembersState;
  readonly wall: boolean;
  readonly notice: { readonly text: string; readonly kind: "info" | "error" } | undefined;
  /** Take-over notices the member closed, by call id and hold start. */
  readonly dismissedTakeovers: ReadonlySet<string>;
  readonly away: AwayState | undefined;
  readonly history: HistoryState;
  readonly signingOutEverywhere: boolean;
  readonly alarm: AlarmState;
}

export const EMPTY_DRAFTS: Drafts = { message: "", overrideReason: "" };

export function initialState(session: Session, now: number, wall: boolean): AppState {
  return {
    session,
    now,
    serverOffsetMs: 0,
    connected: undefined,
    member: undefined,
    access: {},
    tenantCalls: new Map(),
    subjectCalls: new Map(),
    subjects: new Map(),
    feed: new Map(),
    inbox: new Map(),
    alertRecords: new Map(),
    presence: new Map(),
    viewers: new Map(),
    guidance: new Map(),
    leadLabels: {},
    selectedCallId: undefined,
    selectedBy: undefined,
    messages: new Map(),
    unseenMessages: 0,
    outbox: new Map(),
    drafts: EMPTY_DRAFTS,
    busy: false,
    ack: undefined,
    dialog: undefined,
    view: "live",
    members: new Map(),
    membersView: { create: EMPTY_MEMBER_DRAFT, busy: false },
    wall,
    notice: undefined,
    dismissedTakeovers: new Set(),
    away: undefined,
    history: { draft: NO_FILTERS, applied: NO_FILTERS, items: [], loaded: false, loading: false },
    signingOutEverywhere: false,
    alarm: {
      muted: false,
      audioBlocked: false,
      notifications: "unsupported",
      acknowledging: new Set(),
    },
  };
}
