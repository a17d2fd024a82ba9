import type { AdminApp, AdminDeps } from '../context.js';
import { jsonLinesImportRoute } from './import-json-lines.js';

/** Bulk import of answer documents (survey answers from another system), as JSON lines. */
export function answerDocumentImportRoutes(app: AdminApp, deps: AdminDeps): void {
  jsonLinesImportRoute(app, deps, {
    kind: 'answer-documents',
    path: '/imports/answer-documents',
    summary: 'Import answer documents',
    description:
      "One answer document per line, in the Loopon face's field names (unitId or propertyCode, evaluationId, source, checkoutDate, " +
      'answers [{questionId or semanticId, answerOption, answerOptions, answerText, answerNumber, score}], ...). A line with an ' +
      'externalId imported before updates that document: fields given replace, answers are merged by question. Scores follow.',
  });
}
