import { type FormEvent, useState } from 'react';
import { t } from '../../i18n/i18n';
import { useLoad } from '../../components/Async';
import { useSignedIn } from '../../session';
import type { Employee, ThreadKind } from '../../types';
import { addNote, employeeName, getAssignee, listNotes, setAssignee } from './inbox-api';

/* What a request and a chat share on their screen: the assignee and the internal notes. */

export function AssignControl({ kind, id, employees, round }: { kind: ThreadKind; id: number; employees: Employee[]; round: number }) {
  const [loaded, reload] = useLoad(() => getAssignee(kind, id), [kind, id, round]);
  const [error, setError] = useState<string | null>(null);
  const value = loaded.state === 'ready' && loaded.data !== null ? String(loaded.data) : '';
  const change = async (next: string) => {
    setError(null);
    try {
      await setAssignee(kind, id, next === '' ? null : Number(next));
      reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div>
      <label>
        {t('inbox.assignee')}
        <select value={value} disabled={loaded.state !== 'ready'} onChange={(e) => void change(e.target.value)}>
          <option value="">{t('inbox.unassigned')}</option>
          {employees.map((e) => (
            <option key={e.id} value={e.id}>
              {employeeName(e)}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}

export function NotesPanel({ kind, id, round }: { kind: ThreadKind; id: number; round: number }) {
  const session = useSignedIn();
  const [loaded, reload] = useLoad(() => listNotes(kind, id), [kind, id, round]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await addNote(kind, id, text, session.staff.name ?? session.staff.email);
      setText('');
      reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`notes-${kind}-${id}`} className="card notes">
      <h2 id={`notes-${kind}-${id}`}>{t('inbox.notes')}</h2>
      <p className="muted">{t('inbox.notesHint')}</p>
      {loaded.state === 'ready' && (
        <ul className="notes-list">
          {loaded.data.map((note) => (
            <li key={note.id}>
              <span className="muted">
                {note.authorName ?? t('inbox.staff')} · {new Date(note.createdAt).toLocaleString()}
              </span>
              <p>{note.text}</p>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label>
          {t('inbox.noteLabel')}
          <textarea value={text} rows={2} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" disabled={busy || !text.trim()}>
          {t('inbox.addNote')}
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
