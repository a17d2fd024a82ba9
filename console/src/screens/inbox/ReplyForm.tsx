import { type FormEvent, useState } from 'react';
import { t } from '../../i18n/i18n';

/**
 * The reply box of a conversation (a request or a chat): a labelled text area and Send; the text
 * stays, with the error shown, when sending fails. `onTyping` hears every change (chat typing).
 */
export function ReplyForm({ label, send, onTyping }: { label: string; send: (text: string) => Promise<void>; onTyping?: (text: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setError(null);
    try {
      await send(text);
      setText('');
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="reply">
      <label>
        {label}
        <textarea
          value={text}
          rows={3}
          onChange={(e) => {
            setText(e.target.value);
            onTyping?.(e.target.value);
          }}
        />
      </label>
      <button type="submit" disabled={!text.trim()}>
        {t('inbox.send')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
