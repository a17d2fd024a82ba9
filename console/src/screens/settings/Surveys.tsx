import { useState } from 'react';
import { api } from '../../api';
import { ActionError, Form, formatDateTime, ShowApi, titleOf, useAction, useApiLoad } from '../../components/ui';
import { t } from '../../i18n/i18n';
import type { Survey, SurveyList } from '../../types';

const EXAMPLE_SECTIONS = JSON.stringify(
  [
    {
      title: 'Your stay',
      questions: [
        { type: 'radio', title: 'How likely is it that you would recommend our hotel?', semanticId: 0 },
        { type: 'text', title: 'Anything else?' },
      ],
    },
  ],
  null,
  2,
);

/** /settings/surveys: surveys and their versioned question sets (a change of questions is a new version). */
export default function Surveys() {
  const [loaded, reload] = useApiLoad(() => api<SurveyList>('GET', '/surveys'), []);
  const [openId, setOpenId] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [sections, setSections] = useState(EXAMPLE_SECTIONS);
  const action = useAction();
  const create = async () => {
    const made = await action.run(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(sections);
      } catch {
        throw new Error(t('surveys.badJson'));
      }
      return api<Survey>('POST', '/surveys', { name, sections: parsed });
    });
    if (made) {
      setName('');
      reload();
    }
  };
  return (
    <div>
      <h2>{t('settings.surveys')}</h2>
      <ShowApi loaded={loaded} retry={reload}>
        {({ surveys }) =>
          surveys.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ul className="plain">
              {surveys.map((s) => (
                <li key={s.id} className="card">
                  <strong>{s.name}</strong> {s.shortcode ? `(${s.shortcode})` : ''} ·{' '}
                  {t('surveys.version', { serial: s.questionSetSerial ?? '—', locations: s.locationIds.length })}{' '}
                  <button type="button" aria-expanded={openId === s.id} onClick={() => setOpenId(openId === s.id ? null : s.id)}>
                    {openId === s.id ? t('surveys.hideQuestions') : t('surveys.showQuestions')}
                  </button>
                  {openId === s.id && <QuestionSet id={s.id} />}
                </li>
              ))}
            </ul>
          )
        }
      </ShowApi>
      <Form label={t('surveys.new')} className="card" onSubmit={() => void create()}>
        <h3>{t('surveys.new')}</h3>
        <label>
          {t('surveys.name')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('surveys.sections')}
          <textarea rows={10} value={sections} onChange={(e) => setSections(e.target.value)} spellCheck={false} />
        </label>
        <ActionError error={action.error} />
        <button type="submit" disabled={action.busy}>
          {t('surveys.create')}
        </button>
      </Form>
    </div>
  );
}

function QuestionSet({ id }: { id: number }) {
  const [loaded, reload] = useApiLoad(() => api<Survey>('GET', `/surveys/${id}`), [id]);
  return (
    <ShowApi loaded={loaded} retry={reload}>
      {(survey) =>
        survey.questionSet ? (
          <div>
            <p className="muted">{t('surveys.setOf', { serial: survey.questionSet.serial, at: formatDateTime(survey.questionSet.createdAt) })}</p>
            {survey.questionSet.sections.map((section) => (
              <div key={section.id}>
                {titleOf(section.title) && <h4>{titleOf(section.title)}</h4>}
                <ol>
                  {section.questions.map((q) => (
                    <li key={q.id}>
                      {titleOf(q.title)}{' '}
                      <span className="muted">
                        ({q.type}
                        {q.semanticId !== null ? ` · ${t('surveys.semantic', { id: q.semanticId })}` : ''})
                      </span>
                    </li>
                  ))}
                </ol>
              </div>
            ))}
          </div>
        ) : (
          <p className="muted">{t('surveys.noSet')}</p>
        )
      }
    </ShowApi>
  );
}
