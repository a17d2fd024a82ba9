import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/*
 * Two validators: request bodies are checked as sent (a number where a string is expected is a
 * 400, not silently converted), while query strings, params and headers, which arrive as text,
 * are coerced to the declared types. Unknown fields are kept and ignored by the handlers.
 *
 * Coercion is Ajv's `x == +x`, which reads "0xd0" as 208, "213e0" as 213 and "+210", "000212",
 * "209.0" or " 211 " as the integers they round to: a DELETE of /loop-types/0xd0 deleted row 208.
 * An integer field of the text parts is therefore checked as written first (strictIntegers):
 * decimal digits, no sign, no leading zero, no exponent, no space; only then does Ajv coerce it.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

/** How an integer is written in a path or query string: what the API itself renders, nothing else. */
export const CANONICAL_INTEGER = /^(0|[1-9][0-9]*)$/;

interface AjvErrorLike {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Names of the top-level properties of an object schema that declare an integer (alone or in a union). */
function integerProperties(schema: any): string[] {
  const properties = schema?.properties;
  if (!properties || typeof properties !== 'object') return [];
  const isInteger = (s: any): boolean => s?.type === 'integer' || (Array.isArray(s?.type) && s.type.includes('integer')) || (s?.anyOf ?? []).some(isInteger);
  return Object.keys(properties).filter((name) => isInteger(properties[name]));
}

/** Compiles the validator of one part of a route (app.ts defers it to the route's first request: lazy-schemas.ts). */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return bodyAjv.compile(schema as object) as any;
  const validate = textAjv.compile(schema as object);
  const integers = integerProperties(schema);
  if (integers.length === 0) return validate as any;
  const strict = (data: any) => {
    for (const name of integers) {
      const value = data?.[name];
      const texts = Array.isArray(value) ? value : [value];
      if (texts.some((text) => typeof text === 'string' && !CANONICAL_INTEGER.test(text))) {
        const error: AjvErrorLike = {
          keyword: 'type',
          instancePath: `/${name}`,
          schemaPath: `#/properties/${name}/type`,
          params: { type: 'integer' },
          message: 'must be a decimal integer without sign, leading zeros or exponent',
        };
        strict.errors = [error];
        return false;
      }
    }
    const ok = validate(data);
    strict.errors = validate.errors;
    return ok;
  };
  strict.errors = null as unknown;
  return strict as any;
};
