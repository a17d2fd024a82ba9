import { badRequest } from '../shared/errors.js';

/*
 * A rule's conditions: a tree of tests on the facts of an event (rule-context.ts), combined with
 * all (and) and any (or). Read strictly when a rule is saved (readConditions), evaluated with the
 * reason of each test so `explain` can say why a rule did or did not fire.
 */

export type Operator = 'eq' | 'ne' | 'in' | 'not_in' | 'gte' | 'lte' | 'exists' | 'missing';
const OPERATORS: readonly Operator[] = ['eq', 'ne', 'in', 'not_in', 'gte', 'lte', 'exists', 'missing'];

export type Scalar = string | number | boolean;
export interface Test {
  field: string;
  op: Operator;
  value?: Scalar | Scalar[];
}
export type Condition = Test | { all: Condition[] } | { any: Condition[] };

/** The facts a condition may test; `guest.custom.<key>` names a custom field of the guest. */
export const CONDITION_FIELDS = [
  'event.type',
  'location.id',
  'location.shortcode',
  'guest.language',
  'guest.vipStatus',
  'guest.hasEmail',
  'guest.hasMobile',
  'stay.nights',
  'stay.status',
  'stay.bookingChannel',
  'stay.marketSegment',
  'stay.source',
] as const;
const CUSTOM_FIELD = /^guest\.custom\.[A-Za-z0-9_.-]{1,64}$/;

export type Facts = Record<string, Scalar | null>;

const MAX_DEPTH = 5;
const MAX_TESTS = 50;

/** Checks a condition tree as sent (null or [] for none); bad input is a 400 naming the problem. */
export function readConditions(input: unknown): Condition {
  let tests = 0;
  const read = (node: unknown, path: string, depth: number): Condition => {
    if (depth > MAX_DEPTH) throw badRequest(`conditions nest deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(node)) return { all: node.map((n, i) => read(n, `${path}[${i}]`, depth + 1)) };
    if (typeof node !== 'object' || node === null) throw badRequest(`${path} must be a condition object`);
    const o = node as Record<string, unknown>;
    for (const combinator of ['all', 'any'] as const) {
      if (combinator in o) {
        if (!Array.isArray(o[combinator])) throw badRequest(`${path}.${combinator} must be a list of conditions`);
        const list = (o[combinator] as unknown[]).map((n, i) => read(n, `${path}.${combinator}[${i}]`, depth + 1));
        return combinator === 'all' ? { all: list } : { any: list };
      }
    }
    if (++tests > MAX_TESTS) throw badRequest(`a rule may have at most ${MAX_TESTS} tests`);
    const field = o.field;
    if (typeof field !== 'string' || !((CONDITION_FIELDS as readonly string[]).includes(field) || CUSTOM_FIELD.test(field))) {
      throw badRequest(`${path}.field must be one of ${CONDITION_FIELDS.join(', ')} or guest.custom.<key> (got ${JSON.stringify(field)})`);
    }
    const op = (o.op ?? 'eq') as Operator;
    if (!OPERATORS.includes(op)) throw badRequest(`${path}.op must be one of ${OPERATORS.join(', ')}`);
    if (op === 'exists' || op === 'missing') return { field, op };
    const value = o.value;
    const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (op === 'in' || op === 'not_in') {
      if (!Array.isArray(value) || value.length === 0 || !value.every(scalar)) throw badRequest(`${path}.value must be a non-empty list for ${op}`);
      return { field, op, value: value as Scalar[] };
    }
    if (!scalar(value)) throw badRequest(`${path}.value must be a string, number or boolean`);
    if ((op === 'gte' || op === 'lte') && typeof value !== 'number') throw badRequest(`${path}.value must be a number for ${op}`);
    return { field, op, value: value as Scalar };
  };
  if (input === undefined || input === null) return { all: [] };
  return read(input, 'conditions', 0);
}

const same = (a: Scalar | null, b: Scalar) => (typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b);

function testHolds(test: Test, facts: Facts): boolean {
  const actual = facts[test.field] ?? null;
  switch (test.op) {
    case 'exists':
      return actual !== null && actual !== '' && actual !== false;
    case 'missing':
      return actual === null || actual === '' || actual === false;
    case 'eq':
      return same(actual, test.value as Scalar);
    case 'ne':
      return !same(actual, test.value as Scalar);
    case 'in':
      return (test.value as Scalar[]).some((v) => same(actual, v));
    case 'not_in':
      return !(test.value as Scalar[]).some((v) => same(actual, v));
    case 'gte':
      return typeof actual === 'number' && actual >= (test.value as number);
    case 'lte':
      return typeof actual === 'number' && actual <= (test.value as number);
  }
}

export interface TestResult {
  field: string;
  op: Operator;
  value?: Scalar | Scalar[];
  actual: Scalar | null;
  held: boolean;
}

/**
 * Whether the conditions hold for the facts, and nothing else: what the rules engine asks on every
 * event, for every rule of its trigger. Recording each test's result (evaluateConditions, for
 * explain and dry-run) cost more than the tests themselves: an object per test and arrays per node.
 */
export function conditionsHold(condition: Condition, facts: Facts): boolean {
  if ('all' in condition) {
    for (const c of condition.all) if (!conditionsHold(c, facts)) return false;
    return true;
  }
  if ('any' in condition) {
    if (condition.any.length === 0) return true;
    for (const c of condition.any) if (conditionsHold(c, facts)) return true;
    return false;
  }
  return testHolds(condition, facts);
}

/** Whether the conditions hold for the facts, with the result of every test evaluated. */
export function evaluateConditions(condition: Condition, facts: Facts): { held: boolean; tests: TestResult[] } {
  const tests: TestResult[] = [];
  const walk = (c: Condition): boolean => {
    if ('all' in c) return c.all.map(walk).every(Boolean);
    if ('any' in c) return c.any.length === 0 || c.any.map(walk).some(Boolean);
    const held = testHolds(c, facts);
    tests.push({ ...c, actual: facts[c.field] ?? null, held });
    return held;
  };
  const held = walk(condition);
  return { held, tests };
}
