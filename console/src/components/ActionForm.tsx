import { type ReactNode, useState } from 'react';
import { t } from '../i18n/i18n';
import { ActionError, Form, useAction } from './ui';

/**
 * A form that runs one write (a create, a save): a card whose heading is the form's name, then the
 * fields (`children`), the error of a failed try, "Saved." after a success when `saved` (forms that
 * edit settings in place), the submit button (disabled while the write runs), and `after` (a
 * secret shown once, say). `done` gets the write's answer once it succeeded.
 */
export function ActionForm<T>({
  title,
  submit,
  action,
  done,
  saved = false,
  plain = false,
  after,
  children,
}: {
  /** the form's accessible name, and its heading */
  title: string;
  /** the submit button's text */
  submit: string;
  action: () => Promise<T>;
  done?: (answer: T) => void;
  saved?: boolean;
  /** no card and no heading: a form inside another card, or one whose children bring their own heading */
  plain?: boolean;
  after?: ReactNode;
  children: ReactNode;
}) {
  const state = useAction();
  const [savedNow, setSavedNow] = useState(false);
  const run = async () => {
    setSavedNow(false);
    // wrapped: a write that answers 204 (undefined) succeeded too; useAction gives undefined on failure
    const result = await state.run(async () => ({ answer: await action() }));
    if (!result) return;
    setSavedNow(true);
    done?.(result.answer);
  };
  return (
    <Form label={title} className={plain ? undefined : 'card'} onSubmit={() => void run()}>
      {!plain && <h3>{title}</h3>}
      {children}
      <ActionError error={state.error} />
      {saved && savedNow && <p role="status">{t('common.saved')}</p>}
      <button type="submit" disabled={state.busy}>
        {submit}
      </button>
      {after}
    </Form>
  );
}
