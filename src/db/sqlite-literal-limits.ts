import { LimitNode, OffsetNode, ValueNode, type KyselyPlugin, type OperationNode, type RootOperationNode } from 'kysely';

/*
 * SQLite: a query's LIMIT and OFFSET written as numbers in the SQL text instead of bound
 * parameters. better-sqlite3's SQLite marks a statement whose LIMIT is a parameter to be prepared
 * again whenever that parameter is bound (the planner uses the value), so `limit ?` made an indexed
 * lookup 3-4 times dearer than `limit 4` (7.6 µs against 31.8 µs, measured alternately on one
 * statement). Whole numbers only; only the top-level SELECT is looked at (no tree walk per query).
 */

const literal = (node: OperationNode | undefined) =>
  node !== undefined && ValueNode.is(node) && typeof node.value === 'number' && Number.isInteger(node.value)
    ? ValueNode.createImmediate(node.value)
    : undefined;

function withLiteralLimits(node: RootOperationNode): RootOperationNode {
  if (node.kind !== 'SelectQueryNode' || (!node.limit && !node.offset)) return node;
  const limit = literal(node.limit?.limit);
  const offset = literal(node.offset?.offset);
  if (!limit && !offset) return node;
  return {
    ...node,
    ...(limit ? { limit: LimitNode.create(limit) } : {}),
    ...(offset ? { offset: OffsetNode.create(offset) } : {}),
  };
}

export const sqliteLiteralLimits: KyselyPlugin = {
  transformQuery: ({ node }) => withLiteralLimits(node),
  transformResult: async ({ result }) => result,
};
