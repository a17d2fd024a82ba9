import { api, query } from '../../api';
import type { Assignee, Employee, EmployeeList, InboxList, Location, LocationList, Note, NoteList, ThreadKind } from '../../types';

/*
 * The inbox screens' calls to the admin API (GET /admin/v1/inbox, notes, assignees, employees,
 * locations); the answers' types come from the server's schemas (../../types).
 */

export const threadPath = (kind: ThreadKind, id: number) => (kind === 'request' ? `/requests/${id}` : `/chat/sessions/${id}`);

export const listInbox = (filter: { locationId?: number; status: string; assignee?: number; unread?: boolean }) =>
  api<InboxList>('GET', `/inbox${query({ ...filter, unread: filter.unread ? true : undefined, limit: 100 })}`).then((r) => r.items);

export const listEmployees = () => api<EmployeeList>('GET', '/employees').then((r) => r.employees);
export const listLocations = () => api<LocationList>('GET', '/locations').then((r) => r.locations);
export const listNotes = (kind: ThreadKind, id: number) => api<NoteList>('GET', `${threadPath(kind, id)}/notes`).then((r) => r.notes);
export const addNote = (kind: ThreadKind, id: number, text: string, authorName: string) =>
  api<Note>('POST', `${threadPath(kind, id)}/notes`, { text, authorName });
export const getAssignee = (kind: ThreadKind, id: number) => api<Assignee>('GET', `${threadPath(kind, id)}/assignee`).then((r) => r.assigneeId);
export const setAssignee = (kind: ThreadKind, id: number, employeeId: number | null) =>
  api<Assignee>('PUT', `${threadPath(kind, id)}/assignee`, { employeeId });

export const employeeName = (e: Employee) => e.name ?? e.username;
export const locationName = (l: Location | undefined) => (l ? (l.title.en ?? Object.values(l.title)[0] ?? `#${l.id}`) : '');
