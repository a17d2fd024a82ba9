import { Type, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });

/** Error responses of the Loopon face, by status. */
export function errors(...statuses: Array<400 | 401 | 403 | 404 | 409 | 413>) {
  const out: Record<number, typeof ErrorBody> = { 401: ErrorBody };
  for (const status of statuses) out[status] = ErrorBody;
  return out;
}

export const UnitIdParams = Type.Object({ unitId: Type.String({ description: 'unit id' }) });

export const UnitSchema = Type.Object({
  unitId: Type.Integer(),
  propertyCode: Nullable(Type.String()),
  name: Type.String(),
  defaultEvaluationId: Nullable(Type.Integer()),
});

export const EvaluationSchema = Type.Object({
  evaluationId: Type.Integer(),
  name: Type.String(),
  isDefault: Type.Boolean(),
});

export const VersionHeader = Type.Object({ version: Type.Optional(Type.String({ description: 'API version (integer); latest when absent' })) });
