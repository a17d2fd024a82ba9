import { useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { Show, useLoad } from '../../components/Async';
import { t } from '../../i18n/i18n';
import { useRealtime } from '../../realtime';
import { useSignedIn } from '../../session';
import type { ChatHistory, ChatMessage, ChatSession, InboxItem } from '../../types';
import { listEmployees, listLocations, locationName } from './inbox-api';
import { ReplyForm } from './ReplyForm';
import { AssignControl, NotesPanel } from './ThreadSide';
import './inbox.css';

/** How often the guest is told again that staff is still typing. */
const TYPING_EVERY_MS = 5_000;

/** /inbox/chats/:id — a live conversation: messages, reply, typing both ways, read on view, assignee, notes. */
export function ChatDetail() {
  const id = Number(useParams().id);
  const session = useSignedIn();
  const author = session.staff.name ?? session.staff.email;
  const [round, setRound] = useState(0);
  const [chat, reloadChat] = useLoad(() => api<ChatSession>('GET', `/chat/sessions/${id}`), [id]);
  const [context] = useLoad(() => Promise.all([listLocations(), listEmployees()]), []);
  const [messages, setMessages] = useState<ChatMessage[] | undefined>(undefined);
  const [guestTyping, setGuestTyping] = useState(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const log = useRef<HTMLOListElement>(null);

  const markRead = () => void api('POST', `/chat/sessions/${id}/read`, {}).catch(() => undefined);
  const loadMessages = () =>
    api<ChatHistory>('GET', `/chat/sessions/${id}/messages?limit=100`).then(
      (r) => setMessages(r.messages),
      () => setMessages((list) => list ?? []),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: loadMessages and markRead only depend on id
  useEffect(() => {
    setMessages(undefined);
    void loadMessages();
    markRead();
    return () => clearTimeout(typingTimer.current);
  }, [id]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the newest message whenever the list changes
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [messages]);

  useRealtime((event) => {
    const thread = event.thread as Pick<InboxItem, 'kind' | 'id'> | undefined;
    if (thread?.kind === 'chat' && thread.id === id && event.type !== 'inbox.read') setRound((r) => r + 1);
    // the socket (re)connected: what arrived before it did is read again
    if (event.type === 'ready') void loadMessages();
    if (event.sessionId !== id) return;
    if (event.type === 'chat.typing') {
      const timeout = Number((event.typing as { timeout?: number }).timeout ?? 10);
      setGuestTyping(true);
      clearTimeout(typingTimer.current);
      typingTimer.current = setTimeout(() => setGuestTyping(false), timeout * 1000);
    }
    if (event.type === 'chat.message' || event.type === 'chat.message.updated') {
      const message = event.message as ChatMessage;
      setMessages((list) => {
        const rest = (list ?? []).filter((m) => m.id !== message.id);
        return [...rest, message].sort((a, b) => a.id - b.id);
      });
      if (event.type === 'chat.message' && message.author === 'guest') {
        setGuestTyping(false);
        markRead();
      }
    }
  });

  return (
    <div className="thread">
      <p>
        <Link to="/inbox">{t('inbox.back')}</Link>
      </p>
      <Show loaded={chat} retry={reloadChat}>
        {(c) => {
          const [locations, employees] = context.state === 'ready' ? context.data : [[], []];
          const guest = c.guestName ?? t('inbox.anonymous');
          return (
            <div className="thread-grid">
              <section className="thread-main" aria-labelledby="chat-title">
                <h1 id="chat-title">{t('inbox.chatWith', { name: guest })}</h1>
                <p className="muted">
                  <Link to={`/guests/${c.guestId}`}>{guest}</Link> · {locationName(locations.find((l) => l.id === c.locationId))}
                  {c.expired ? ` · ${t('inbox.closed')}` : ''}
                </p>
                <div className="chat-log" role="log" aria-live="polite" aria-label={t('inbox.messages')}>
                  <ol ref={log}>
                    {(messages ?? []).map((m) => (
                      <li key={m.id} className={m.author === 'hotel' ? 'from-staff' : 'from-guest'}>
                        <span className="muted">
                          {m.authorName} · {new Date(m.createdAt).toLocaleTimeString()}
                          {m.author === 'hotel' && m.readAt !== null ? ` · ${t('inbox.seen')}` : ''}
                        </span>
                        {m.content !== null && <p>{m.content}</p>}
                        {m.photo && (
                          <a href={m.photo.url} rel="noreferrer noopener" target="_blank" className="chat-photo">
                            <img src={m.photo.url} alt={t('inbox.photoFrom', { name: m.authorName })} loading="lazy" />
                          </a>
                        )}
                        {m.url !== null && !m.photo && (
                          <p>
                            <a href={m.url} rel="noreferrer noopener" target="_blank">
                              {t('inbox.image')}
                            </a>
                          </p>
                        )}
                      </li>
                    ))}
                  </ol>
                </div>
                {messages === undefined && <p aria-live="polite">{t('common.loading')}</p>}
                <p className="typing" aria-live="polite">
                  {guestTyping ? t('inbox.guestTyping', { name: guest }) : ''}
                </p>
                {!c.expired && <ChatReply id={id} author={author} />}
              </section>
              <aside className="thread-side" aria-label={t('inbox.details')}>
                <AssignControl kind="chat" id={id} employees={employees} round={round} />
                <NotesPanel kind="chat" id={id} round={round} />
              </aside>
            </div>
          );
        }}
      </Show>
    </div>
  );
}

function ChatReply({ id, author }: { id: number; author: string }) {
  const lastTyping = useRef(0);
  const typed = (value: string) => {
    const now = Date.now();
    if (value.trim() && now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      void api('POST', `/chat/sessions/${id}/typing`, { authorName: author, timeout: 10 }).catch(() => undefined);
    }
  };
  const send = async (text: string) => {
    await api('POST', `/chat/sessions/${id}/messages`, { authorName: author, content: text, localId: `console-${Date.now()}` });
    lastTyping.current = 0;
  };
  return <ReplyForm label={t('inbox.messageLabel')} send={send} onTyping={typed} />;
}
