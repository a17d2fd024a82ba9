import { Link } from 'react-router';
import { t } from '../i18n/i18n';

export function NotFound() {
  return (
    <section>
      <h1>{t('notFound.title')}</h1>
      <Link to="/inbox">{t('notFound.home')}</Link>
    </section>
  );
}
