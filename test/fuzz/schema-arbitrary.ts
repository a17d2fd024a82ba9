import fc from 'fast-check';

/*
 * A small JSON-schema-to-arbitrary for the shapes the faces' route schemas use (TypeBox, as served
 * in their OpenAPI documents): object, array, string, integer, number, boolean, null, enum, const,
 * anyOf and oneOf, with the length and range bounds. It makes values a client could plausibly send
 * (`schemaValue`) and the same values gone wrong (`mutatedValue`): missing required fields, wrong
 * types, nulls, deep nesting, huge strings, prototype-pollution keys.
 */

export type JsonSchema = Record<string, any>;

/** Values a field may plausibly hold by its name (ids of real rows, dates, e-mails), or none. */
export type NameHints = (name: string) => unknown[] | undefined;

const noHints: NameHints = () => undefined;

/** Values of the wrong type, out of range or hostile, put where any field was expected. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -2147483649,
    2147483648,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1e308,
    '',
    ' ',
    '0x1f',
    '1e3',
    '-0',
    'null',
    'true',
    '\u0000',
    '💥🏨',
    'é'.normalize('NFD'),
    '../../etc/passwd',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '%00',
    '2025-02-30',
    '9999-99-99T99:99:99Z',
    [],
    {},
    [null],
  ),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constant('x'.repeat(70_000)),
  fc.constant(deepNesting(200)),
);

/** An array nested `depth` times around an empty object: deep nesting without a big body. */
export function deepNesting(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 24, Math.max(minLength, 24));
  if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
  if (schema.format === 'date') return fc.constantFrom('2025-01-15', '2024-12-31', '2026-06-01');
  if (schema.format === 'date-time') return fc.constantFrom('2025-01-15T10:00:00Z', '2024-12-31T23:59:59.999Z');
  return fc.string({ minLength, maxLength });
}

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
  if (integer) {
    // Mostly small values (they name rows), sometimes anywhere in range.
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    return fc.oneof({ weight: 3, arbitrary: fc.integer({ min: lo, max: Math.max(lo, Math.min(hi, lo + 20)) }) }, fc.integer({ min: lo, max: hi }));
  }
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Whether `value` has a type the schema allows (types, enums and alternatives; not bounds). */
export function fitsType(schema: JsonSchema | undefined, value: unknown): boolean {
  if (!schema) return true;
  if ('const' in schema) return schema.const === value;
  if (Array.isArray(schema.enum)) return schema.enum.includes(value);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) return alternatives.some((s: JsonSchema) => fitsType(s, value));
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return true;
  return types.some((t) => {
    if (t === 'integer') return Number.isInteger(value);
    if (t === 'array') return Array.isArray(value);
    if (t === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
    if (t === 'null') return value === null;
    return typeof value === t;
  });
}

/** A value the schema accepts (as far as this subset goes), preferring hinted values for named fields. */
export function schemaValue(schema: JsonSchema | undefined, hints: NameHints = noHints, name = '', depth = 0): fc.Arbitrary<unknown> {
  // Hints of the field's type only: a wrong type is the mutations' job, not the hints'.
  const hinted = name ? hints(name)?.filter((v) => fitsType(schema, v)) : undefined;
  const plain = plainSchemaValue(schema ?? {}, hints, depth, name);
  if (!hinted?.length) return plain;
  return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...hinted) }, { weight: 1, arbitrary: plain });
}

function plainSchemaValue(schema: JsonSchema, hints: NameHints, depth: number, name = ''): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length) return fc.oneof(...alternatives.map((s: JsonSchema) => plainSchemaValue(s, hints, depth, name)));
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t: string) => plainSchemaValue({ ...schema, type: t }, hints, depth, name)));
  switch (type[0]) {
    case 'string':
      return stringArb(schema);
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
      if (depth > 4) return fc.constant([]);
      // Items of a named array take the hints of `name[]` (the ids a `locationIds` holds).
      return fc.array(schemaValue(schema.items, hints, name ? `${name}[]` : '', depth + 1), { minLength, maxLength });
    }
    case 'object':
      return objectValue(schema, hints, depth);
    default:
      if (schema.properties) return objectValue(schema, hints, depth);
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(schema: JsonSchema, hints: NameHints, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, JsonSchema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  if (depth > 4) return fc.constant({});
  const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, schemaValue(s, hints, key, depth + 1)]));
  // Some of the optional fields, or all of them (a full record reaches the deepest checks).
  const known = fc.oneof(fc.record(model, { requiredKeys: required.filter((key) => key in properties) }), fc.record(model));
  if (schema.additionalProperties === false || schema.additionalProperties === undefined) return known;
  // Free-form maps (custom fields, settings): a few extra keys with hinted or simple values.
  const extra = fc.dictionary(
    fc.oneof({ weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom(...inheritedNames) }),
    typeof schema.additionalProperties === 'object' && Object.keys(schema.additionalProperties).length
      ? schemaValue(schema.additionalProperties, hints, '', depth + 1)
      : fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean()),
    { maxKeys: 2 },
  );
  return fc.tuple(known, extra).map(([k, e]) => ({ ...e, ...(k as object) }));
}

/**
 * A value of the field's own type at or past its limits: where storage rather than validation
 * says no (an int4 column, a btree index entry of a few KiB, a NUL in PostgreSQL text).
 */
function boundaryValue(schema: JsonSchema | undefined, n: number): unknown {
  const probe = [2147483647, 2147483648, -2147483649, 0, -1, 9007199254740992, 1e308, 3000, 70_000, '', ' ', '\u0000'];
  const type = schema && (Array.isArray(schema.type) ? schema.type[0] : schema.type);
  if (type === 'integer' || type === 'number') return [2147483647, 2147483648, -2147483649, 0, -1, 9007199254740992, 1e308][n % 7];
  if (type === 'string' || !type) {
    const pick = probe[7 + (n % 5)];
    return typeof pick === 'number' ? `${'\u00e9x'.repeat(pick / 2)}` : pick;
  }
  return probe[n % probe.length];
}

/** A key that may reach an object's prototype if it is merged carelessly. */
const pollutionKeys = ['__proto__', 'constructor', 'prototype'];
/** Keys every plain object inherits: `map[key]` finds a function there unless the code checks own keys. */
export const inheritedNames = ['__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

/**
 * The schema's value gone wrong in one or two places: a required field dropped, a field of the
 * wrong type or null, an unknown or prototype-polluting key, a whole value of the wrong type.
 */
export function mutatedValue(schema: JsonSchema | undefined, hints: NameHints = noHints): fc.Arbitrary<unknown> {
  const base = schemaValue(schema, hints);
  const wholeJunk = junkValue;
  const objectMutation = fc
    .tuple(base, fc.nat(), junkValue, fc.constantFrom('drop', 'junk', 'null', 'pollute', 'extra', 'nested', 'boundary', 'boundary'))
    .map(([value, n, junk, how]) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return how === 'null' ? null : junk;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(schema?.properties ?? copy);
      const key = keys.length ? keys[n % keys.length] : 'x';
      if (how === 'drop') delete copy[key];
      else if (how === 'junk') copy[key] = junk;
      else if (how === 'null') copy[key] = null;
      else if (how === 'pollute') {
        // An own property literally named __proto__ (as JSON.parse makes it), not a prototype change.
        Object.defineProperty(copy, pollutionKeys[n % pollutionKeys.length], {
          value: { isAdmin: true, polluted: 'yes', [key]: junk },
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else if (how === 'extra') {
        const name = n % 2 ? `extra${n % 5}` : inheritedNames[n % inheritedNames.length];
        Object.defineProperty(copy, name, { value: junk, enumerable: true, writable: true, configurable: true });
      } else if (how === 'boundary') copy[key] = boundaryValue(schema?.properties?.[key], n);
      else copy[key] = deepNesting(50 + (n % 150));
      return copy;
    });
  return fc.oneof({ weight: 4, arbitrary: objectMutation }, { weight: 1, arbitrary: wholeJunk });
}
