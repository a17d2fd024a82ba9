import { api, query } from '../../api';

/* The admin API's inbox shapes the screens read (GET /admin/v1/inbox, requests, chat sessions). */

export type ThreadKind = 'request' | 'chat';

export interface InboxItem {
  kind: ThreadKind;
  id: number;
  locationId: number;
  guestId: number | null;
  guestName: string | null;
  title: string | null;
  preview: string | null;
  status: string;
  assigneeId: number | null;
  unread: boolean;
  unreadCount: number;
  awaitingSince: number | null;
  lastActivityAt: number;
}

export interface RequestActivity {
  id: number;
  type: string;
  occurredAt: number;
  data: Record<string, unknown>;
  person: { kind: string; name: string | null; guestId: number | null };
}

export interface GuestRequest {
  id: number;
  locationId: number;
  loopTypeId: number | null;
  guestId: number | null;
  title: string | null;
  description: string | null;
  state: string;
  activities: RequestActivity[];
}

export interface ChatMessage {
  id: number;
  sessionId: number;
  author: string;
  authorName: string;
  contentType: string;
  content: string | null;
  url: string | null;
  /** a guest's photo stored by the server: a signed link (null for a url of elsewhere) */
  photo?: { url: string; expiresAt: number } | null;
  readAt: number | null;
  createdAt: number;
}

export interface ChatSession {
  id: number;
  guestId: number;
  guestName: string | null;
  locationId: number;
  expired: boolean;
  unreadCount: number;
}

export interface Note {
  id: number;
  authorId: number | null;
  authorName: string | null;
  text: string;
  createdAt: number;
}

export interface Employee {
  id: number;
  username: string;
  name: string | null;
}

export interface Location {
  id: number;
  title: Record<string, string>;
}

export const threadPath = (kind: ThreadKind, id: number) => (kind === 'request' ? `/requests/${id}` : `/chat/sessions/${id}`);

export const listInbox = (filter: { locationId?: number; status: string; assignee?: number; unread?: boolean }) =>
  api<{ items: InboxItem[] }>('GET', `/inbox${query({ ...filter, unread: filter.unread ? true : undefined, limit: 100 })}`).then((r) => r.items);

export const listEmployees = () => api<{ employees: Employee[] }>('GET', '/employees').then((r) => r.employees);
export const listLocations = () => api<{ locations: Location[] }>('GET', '/locations').then((r) => r.locations);
export const listNotes = (kind: ThreadKind, id: number) => api<{ notes: Note[] }>('GET', `${threadPath(kind, id)}/notes`).then((r) => r.notes);
export const addNote = (kind: ThreadKind, id: number, text: string, authorName: string) =>
  api<Note>('POST', `${threadPath(kind, id)}/notes`, { text, authorName });
export const getAssignee = (kind: ThreadKind, id: number) =>
  api<{ assigneeId: number | null }>('GET', `${threadPath(kind, id)}/assignee`).then((r) => r.assigneeId);
export const setAssignee = (kind: ThreadKind, id: number, employeeId: number | null) => api('PUT', `${threadPath(kind, id)}/assignee`, { employeeId });

export const employeeName = (e: Employee) => e.name ?? e.username;
export const locationName = (l: Location | undefined) => (l ? (l.title.en ?? Object.values(l.title)[0] ?? `#${l.id}`) : '');
