import { alertsPath, callsPath, inboxPath, messagesPath } from "./paths.js";
import { checkId } from "./ids.js";

/**
 * Every query the dashboard runs. Each `orderByChild` has an `.indexOn` in the rules (checked by
 * the static rules test), and the rules tests run each one as every role.
 */
export interface DashboardQuery {
  readonly path: string;
  readonly orderByChild: string;
  readonly equalTo?: string;
  readonly limitToLast?: number;
}

export const dashboardQueries = {
  /** The live calls list, most recent activity last. */
  recentCalls: (tenantId: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "lastMessageAt",
    limitToLast: 100,
  }),
  callsByUrgency: (tenantId: string, urgency: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "urgency",
    equalTo: urgency,
  }),
  /** How scoped roles list calls: one query per assigned subject (the rules allow exactly this). */
  callsOfSubject: (tenantId: string, subjectId: string): DashboardQuery => ({
    path: callsPath(tenantId),
    orderByChild: "subjectId",
    equalTo: checkId("subject id", subjectId),
  }),
  transcript: (tenantId: string, callId: string): DashboardQuery => ({
    path: messagesPath(tenantId, callId),
    orderByChild: "seq",
    limitToLast: 500,
  }),
  alertFeed: (tenantId: string): DashboardQuery => ({
    path: alertsPath(tenantId),
    orderByChild: "at",
    limitToLast: 100,
  }),
  inbox: (uid: string): DashboardQuery => ({
    path: inboxPath(uid),
    orderByChild: "at",
    limitToLast: 100,
  }),
} as const;
