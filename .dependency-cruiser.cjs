// Module boundaries of src/ (the design's layers: faces -> core -> db), checked in CI by `npm run check:boundaries`.
// Parsed with swc (@swc/core), not the TypeScript compiler API. swc does not tell `import type` from a
// value import, so a rule that allows a type module allows the whole module; Biome's noRestrictedImports
// (biome.jsonc) narrows what a face may take from src/db/database.ts to its types.

/**
 * Faces: one folder per wire format under src/api/, plus the native admin API. src/api/http (HTTP
 * plumbing) and src/api/imports (the JSON-lines import format, read by the admin API and the CLI) are
 * shared by them, not faces.
 */
const FACES = '^src/api/(?!http/|imports/)[^/]+/';

/** What a face may take from src/db/: it owns its transaction, and presents rows and passes `db` by type. */
const FACE_DB_ALLOWED = ['^src/db/write-transaction\\.ts$', '^src/db/database\\.ts$', '^src/db/schema\\.ts$'];

/** Core modules (the folders of src/core) import each other without a cycle, counted folder by folder. */
const coreModuleCycles = {
  name: 'no-circular-core-modules',
  comment: 'Core modules (the folders of src/core) import each other without a cycle, counted folder by folder.',
  severity: 'error',
  scope: 'folder',
  from: { path: '^src/core/[^/]+$' },
  to: { path: '^src/core/[^/]+$', circular: true },
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'face-to-db',
      comment:
        'A face calls core, which reads and writes the database. A face only opens its transaction (write-transaction.ts) ' +
        'and names the Db and row types (database.ts, schema.ts: types only, see biome.jsonc).',
      severity: 'error',
      from: { path: FACES },
      to: { path: '^src/db/', pathNot: FACE_DB_ALLOWED },
    },
    {
      name: 'face-to-face',
      comment:
        'A face imports only itself, the shared HTTP plumbing (src/api/http) and the import formats (src/api/imports); ' +
        'what two faces share belongs in core or there.',
      severity: 'error',
      from: { path: '^src/api/([^/]+)/', pathNot: ['^src/api/http/', '^src/api/imports/'] },
      to: { path: '^src/api/', pathNot: ['^src/api/$1/', '^src/api/http/', '^src/api/imports/'] },
    },
    {
      name: 'imports-to-face',
      comment: 'src/api/imports reads the JSON-lines formats for the admin API and the CLI: it knows no face.',
      severity: 'error',
      from: { path: '^src/api/imports/' },
      to: { path: '^src/api/(?!http/|imports/)' },
    },
    {
      name: 'imports-to-db',
      comment: 'The importers call core; of the storage layer they name types and tell a constraint violation of one line (errors.ts).',
      severity: 'error',
      from: { path: '^src/api/imports/' },
      to: { path: '^src/db/', pathNot: [...FACE_DB_ALLOWED, '^src/db/errors\\.ts$'] },
    },
    {
      name: 'http-to-face',
      comment: 'src/api/http is the plumbing every face shares; it knows no face and no database.',
      severity: 'error',
      from: { path: '^src/api/http/' },
      to: { path: ['^src/api/(?!http/)', '^src/db/'] },
    },
    {
      name: 'api-to-entry',
      comment: 'The server and the CLI assemble the faces, never the other way round.',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'core-to-outer',
      comment: 'Core is domain logic: no HTTP, no wire formats, no CLI.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(api|server|cli)/' },
    },
    {
      name: 'db-to-upper',
      comment: 'The storage layer knows nothing of the domain or of the faces.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(core|api|server|cli)/' },
    },
    {
      name: 'migration-imports-app',
      comment: 'Migrations are frozen in time: they import no app code, only packages and each other.',
      severity: 'error',
      from: { path: '^src/db/migrations/' },
      to: { path: '^src/', pathNot: '^src/db/migrations/' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere in src/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    coreModuleCycles,
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves to a file or an installed package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      comment: 'A module nothing imports and that imports nothing is dead code.',
      severity: 'error',
      from: { orphan: true, pathNot: ['\\.d\\.ts$'] },
      to: {},
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Production code uses only dependencies; devDependencies are absent after `npm ci --omit=dev`.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'no-non-package-json',
      comment: 'A package imported by src/ is declared in package.json, not just present in node_modules.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    parser: 'swc',
    // No includeOnly: it would hide unresolvable imports and packages from the rules above.
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|data)/' },
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      extensions: ['.ts', '.js'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
