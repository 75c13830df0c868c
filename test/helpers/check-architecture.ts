/**
 * DESIGN "Parts" as a check: which top-level folder may import what. Every import of a source file
 * is read from its syntax tree (TypeScript's parser): static imports (type-only ones too: a type is
 * a dependency as well), `export … from`, `import x = require(…)`, `import('…')` in code and in
 * types. Relative imports count as an import of the part they land in. Also: no `private` keyword
 * on class members — `#` fields are private at run time too.
 *
 * `test/node/architecture.test.ts` runs it on the repository and on planted fixtures.
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The folders whose imports are restricted; everything else (tools, bench, test, examples) may import anything. */
export const PARTS = ['shared', 'engine', 'client', 'edge', 'dashboard', 'runner', 'cli'] as const;
export type Part = (typeof PARTS)[number];

interface PartRule {
  /** Other parts it may import. */
  parts: readonly Part[];
  /** npm packages (and their subpaths) it may import; 'dependencies': those package.json lists as runtime ones. */
  packages: readonly string[] | 'dependencies';
  /** `node:*` and Node's bare built-ins. */
  node: boolean;
  /** `cloudflare:*`. */
  cloudflare: boolean;
}

/** The dashboard's view library (whichever the dashboard chose; one of these). */
const VIEW_LIBRARY = ['preact', 'htm', '@preact/signals', 'hono/jsx'];

/** DESIGN "Parts": dependencies point down the table only. */
export const RULES: Readonly<Record<Part, PartRule>> = {
  shared: { parts: [], packages: ['zod'], node: false, cloudflare: false },
  engine: { parts: ['shared'], packages: ['zod', 'pure-rand'], node: false, cloudflare: false },
  client: { parts: ['shared'], packages: ['zod'], node: false, cloudflare: false },
  // jstat: Student's t distribution for compare's confidence intervals (issue 13).
  edge: { parts: ['shared'], packages: ['hono', 'zod', 'jstat'], node: false, cloudflare: true },
  // uplot: the trading charts (issue 13 asks for a small charting library, not hand-drawn SVG).
  dashboard: {
    parts: ['shared', 'engine', 'client'],
    packages: ['zod', ...VIEW_LIBRARY, 'uplot'],
    node: false,
    cloudflare: false,
  },
  runner: { parts: ['shared', 'engine', 'client'], packages: 'dependencies', node: true, cloudflare: false },
  // The CLI may start a runner in its own process (`livetune run`), and only there: see RUNNER_GATE.
  cli: { parts: ['shared', 'engine', 'client'], packages: 'dependencies', node: true, cloudflare: false },
};

/** The one CLI file that may import runner/. */
export const RUNNER_GATE = 'cli/commands/run.ts';

/**
 * `livetune hyperliquid sign` must sign exactly as the live venue does, with the same code, not a
 * copy: this CLI file may import the venue's signer, and nothing else of runner/.
 */
export const SIGNER_GATE = { file: 'cli/commands/hyperliquid.ts', target: 'runner/venues/hyperliquid/hyperliquid-signer.ts' };

/**
 * `livetune record` must read the feed exactly as the paper venue does, with its connection and
 * parser, not a copy: this CLI file may import the recorder's entry, and nothing else of runner/.
 */
export const RECORDER_GATE = { file: 'cli/commands/record.ts', target: 'runner/venues/paper/record-feed.ts' };

export interface Violation {
  /** Repository-relative, with forward slashes. */
  file: string;
  line: number;
  rule: 'import' | 'private';
  /** The import specifier, or the class member declared `private`. */
  subject: string;
  message: string;
}

const SOURCE = /\.(?:ts|mts|cts|tsx|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.wrangler', '.git', 'coverage']);
const NODE_BUILTINS = new Set(builtinModules);

/** Every source file under `root` (repository-relative paths), skipping `exclude` folders. */
export function sourceFiles(root: string, exclude: readonly string[] = []): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !exclude.includes(rel)) walk(path);
      } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        files.push(rel);
      }
    }
  };
  walk(root);
  return files.sort();
}

interface Found {
  specifier: string | undefined;
  line: number;
  kind: 'import' | 'private';
}

/** Imports (with their specifier; undefined for a computed `import(x)`) and `private` members of one file. */
export function scan(fileName: string, text: string): Found[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKind(fileName));
  const found: Found[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const literal = (node: ts.Node | undefined) => (node && ts.isStringLiteralLike(node) ? node.text : undefined);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier) found.push({ specifier: literal(node.moduleSpecifier), line: lineOf(node), kind: 'import' });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      found.push({ specifier: literal(node.moduleReference.expression), line: lineOf(node), kind: 'import' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      found.push({ specifier: literal(node.arguments[0]), line: lineOf(node), kind: 'import' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      found.push({ specifier: literal(node.argument.literal), line: lineOf(node), kind: 'import' });
    } else if (isClassMember(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)) {
      found.push({ specifier: memberName(node, source), line: lineOf(node), kind: 'private' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function scriptKind(fileName: string): ts.ScriptKind {
  if (fileName.endsWith('.tsx')) return ts.ScriptKind.TSX;
  return /\.[mc]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

function isClassMember(node: ts.Node): node is ts.HasModifiers {
  // A constructor's parameter properties (`constructor(private x)`) are members too.
  return (
    (ts.isClassElement(node) && ts.canHaveModifiers(node)) || (ts.isParameter(node) && ts.isConstructorDeclaration(node.parent))
  );
}

function memberName(node: ts.Node, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const name = (node as { name?: ts.Node }).name;
  return name ? name.getText(source) : node.getText(source).slice(0, 40);
}

/** The package a bare specifier names: `hono/http-exception` → `hono`, `@a/b/c` → `@a/b`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function matchesPackage(specifier: string, allowed: string): boolean {
  return specifier === allowed || specifier.startsWith(`${allowed}/`);
}

function partOf(file: string): Part | undefined {
  const top = file.split('/')[0];
  return (PARTS as readonly string[]).includes(top ?? '') ? (top as Part) : undefined;
}

/** Why `specifier` may not be imported by `file` (in `part`), or undefined when it may. */
function judge(
  file: string,
  part: Part,
  specifier: string | undefined,
  root: string,
  dependencies: ReadonlySet<string>,
): string | undefined {
  const rule = RULES[part];
  if (specifier === undefined) return `${part}/ may only import modules named by a string literal`;
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = relative(root, resolve(root, dirname(file), specifier))
      .split(sep)
      .join('/');
    const targetPart = target.startsWith('..') ? undefined : target.split('/')[0];
    if (targetPart === part) return undefined;
    // A Node process may read the package's own manifest (the CLI prints its version).
    if (target === 'package.json' && rule.node) return undefined;
    if (targetPart === 'runner' && part === 'cli' && file === RUNNER_GATE) return undefined;
    if (part === 'cli' && file === SIGNER_GATE.file && target === SIGNER_GATE.target) return undefined;
    if (part === 'cli' && file === RECORDER_GATE.file && target === RECORDER_GATE.target) return undefined;
    if (targetPart !== undefined && (rule.parts as readonly string[]).includes(targetPart)) return undefined;
    const allowed = rule.parts.length ? rule.parts.map((p) => `${p}/`).join(', ') : 'no other folder';
    return `${part}/ may import ${allowed}; ${specifier} is ${targetPart ? `in ${targetPart}/` : 'outside the repository'}`;
  }
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier)) {
    return rule.node ? undefined : `${part}/ is runtime-neutral: no Node built-ins (${specifier})`;
  }
  if (specifier.startsWith('cloudflare:')) {
    return rule.cloudflare ? undefined : `${part}/ may not import the Workers runtime (${specifier})`;
  }
  const packages = rule.packages === 'dependencies' ? [...dependencies] : rule.packages;
  if (packages.some((p) => matchesPackage(specifier, p))) return undefined;
  const which = rule.packages === 'dependencies' ? 'the runtime dependencies of package.json' : packages.join(', ');
  return `${part}/ may import the packages ${which}; not ${packageOf(specifier)}`;
}

/**
 * Checks the files (repository-relative) under `root` against RULES and the `private` rule.
 * `dependencies` are the runtime dependencies of package.json (runner/ and cli/ may use them).
 */
export function checkArchitecture(
  root: string,
  files: readonly string[],
  dependencies: ReadonlySet<string>,
  read: (file: string) => string = (file) => readFileSync(join(root, file), 'utf8'),
): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const part = partOf(file);
    for (const found of scan(file, read(file))) {
      if (found.kind === 'private') {
        violations.push({
          file,
          line: found.line,
          rule: 'private',
          subject: found.specifier ?? '?',
          message: `class member ${found.specifier} is declared \`private\`: use a # field or method`,
        });
        continue;
      }
      if (part === undefined) continue;
      const why = judge(file, part, found.specifier, root, dependencies);
      if (why)
        violations.push({ file, line: found.line, rule: 'import', subject: found.specifier ?? '(computed)', message: why });
    }
  }
  return violations;
}

/** The runtime dependencies of the package.json in `root`. */
export function runtimeDependencies(root: string): Set<string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return new Set(Object.keys(pkg.dependencies ?? {}));
}
