import { useState } from 'react';
import { api } from '../../api';
import { ActionForm } from '../../components/ActionForm';
import { CardList, ShowList } from '../../components/Lists';
import { formatDateTime, ShowApi, titleOf, useApiLoad } from '../../components/ui';
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
  const create = async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(sections);
    } catch {
      throw new Error(t('surveys.badJson'));
    }
    return api<Survey>('POST', '/surveys', { name, sections: parsed });
  };
  return (
    <div>
      <h2>{t('settings.surveys')}</h2>
      <ShowList loaded={loaded} retry={reload} items={(d) => d.surveys}>
        {(surveys) => (
          <CardList items={surveys} itemKey={(s) => s.id}>
            {(s) => (
              <>
                <strong>{s.name}</strong> {s.shortcode ? `(${s.shortcode})` : ''} ·{' '}
                {t('surveys.version', { serial: s.questionSetSerial ?? '—', locations: s.locationIds.length })}{' '}
                <button type="button" aria-expanded={openId === s.id} onClick={() => setOpenId(openId === s.id ? null : s.id)}>
                  {openId === s.id ? t('surveys.hideQuestions') : t('surveys.showQuestions')}
                </button>
                {openId === s.id && <QuestionSet id={s.id} />}
              </>
            )}
          </CardList>
        )}
      </ShowList>
      <ActionForm
        title={t('surveys.new')}
        submit={t('surveys.create')}
        action={create}
        done={() => {
          setName('');
          reload();
        }}
      >
        <label>
          {t('surveys.name')}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('surveys.sections')}
          <textarea rows={10} value={sections} onChange={(e) => setSections(e.target.value)} spellCheck={false} />
        </label>
      </ActionForm>
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
