/**
 * Every ```ts block of the README and of the TSDoc `@example`s in src/ type-checks under
 * `strict` against the built package, as a user's project would compile it after copying
 * the block (see test/support/typecheck.ts).
 *
 * Each block becomes its own module. Blocks are often fragments, so two things are added
 * in front of a block before it is checked, neither of them shown to readers:
 *
 * - what the block assumes, written in an HTML comment right before its fence, as
 *   `<!-- typecheck: declare const socket: import("node:net").Socket; -->` (any TypeScript:
 *   declarations, imports; it may span lines). Markdown renderers and TypeDoc hide it.
 * - when the block imports nothing, an import of each public name it mentions, from the
 *   entry point that exports it (the TSDoc examples leave their imports out).
 */

import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ENTRIES, ROOT } from "../support/package.js";
import { compilerOptions, type Problem, typecheck } from "../support/typecheck.js";

/** A ```ts block: where it is, its code, and the hidden preamble before it. */
interface Block {
  readonly where: string;
  readonly code: string;
  readonly preamble: string;
}

const FENCE = /(?:<!--\s*typecheck:([\s\S]*?)-->\s*)?^```ts\n([\s\S]*?)^```$/gm;

/** The ```ts blocks of a Markdown text whose first line is line `firstLine` of `file`. */
function blocks(markdown: string, file: string, firstLine = 1): Block[] {
  return [...markdown.matchAll(FENCE)].map((match) => {
    const fenceOffset = (match.index ?? 0) + match[0].indexOf("```ts");
    const line = firstLine + markdown.slice(0, fenceOffset).split("\n").length - 1;
    return { where: `${file}:${line}`, code: match[2] ?? "", preamble: (match[1] ?? "").trim() };
  });
}

/**
 * The ```ts blocks inside the TSDoc comments of a source file. Comments marked `@internal`
 * document what no entry point exports (a user cannot import it), so they are left out.
 */
function tsdocBlocks(file: string): Block[] {
  const source = readFileSync(`${ROOT}${file}`, "utf8");
  return [...source.matchAll(/\/\*\*[\s\S]*?\*\//g)].flatMap((comment) => {
    if (comment[0].includes("@internal")) return [];
    const firstLine = source.slice(0, comment.index).split("\n").length;
    const markdown = comment[0]
      .split("\n")
      .map((line) => line.replace(/^\s*(?:\/\*\*|\*\/|\*(?!\/) ?)/, ""))
      .join("\n");
    return blocks(markdown, file, firstLine);
  });
}

const SOURCES = (readdirSync(`${ROOT}src`, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts"))
  .map((file) => `src/${file.split("\\").join("/")}`)
  .sort();

const README_BLOCKS = blocks(readFileSync(`${ROOT}README.md`, "utf8"), "README.md");
const TSDOC_BLOCKS = SOURCES.flatMap(tsdocBlocks);

/** Each public name and the first entry point (in ENTRY_POINTS order) that exports it, read from the built declarations. */
function publicNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const { name, specifier } of ENTRIES) {
    const declarations = readFileSync(`${ROOT}dist/${name}.d.ts`, "utf8");
    const exported = [...declarations.matchAll(/^export \{([^}]*)\}/gm)].flatMap((match) =>
      (match[1] ?? "").split(",").map(
        (item) =>
          item
            .trim()
            .replace(/^type /, "")
            .split(" as ")
            .pop()
            ?.trim() ?? "",
      ),
    );
    for (const exportedName of exported)
      if (exportedName !== "" && !names.has(exportedName)) names.set(exportedName, specifier);
  }
  return names;
}

/** The names a preamble declares or imports, which the automatic imports must leave alone. */
function declaredNames(preamble: string): Set<string> {
  const declarations = [...preamble.matchAll(/\b(?:const|let|var|function|class|interface|type|enum)\s+(\w+)/g)];
  const imports = [...preamble.matchAll(/^import\s+(?:type\s+)?(?:\{([^}]*)\}|\*\s+as\s+(\w+)|(\w+))/gm)];
  return new Set([
    ...declarations.map((match) => match[1] ?? ""),
    ...imports.flatMap((match) =>
      [...(match[1] ?? "").split(","), match[2] ?? "", match[3] ?? ""].map(
        (item) =>
          item
            .trim()
            .replace(/^type /, "")
            .split(" as ")
            .pop() ?? "",
      ),
    ),
  ]);
}

/** The module a block is checked as: its preamble, the imports it leaves out, then the block, line for line. */
function module(block: Block, names: Map<string, string>): { text: string; offset: number } {
  const head = [block.preamble];
  if (!/^import /m.test(block.code)) {
    const declared = declaredNames(block.preamble);
    const bySpecifier = new Map<string, string[]>();
    for (const [name, specifier] of names) {
      if (!new RegExp(`\\b${name}\\b`).test(block.code) || declared.has(name)) continue;
      bySpecifier.set(specifier, [...(bySpecifier.get(specifier) ?? []), name]);
    }
    for (const [specifier, imported] of bySpecifier)
      head.push(`import { ${imported.join(", ")} } from "${specifier}";`);
  }
  head.push("export {};");
  const prefix = `${head.join("\n")}\n`;
  return { text: prefix + block.code, offset: prefix.split("\n").length - 1 };
}

/** Type-checks the blocks as modules of one project; returns each problem as `where: message`. */
function check(all: readonly Block[]): string[] {
  const names = publicNames();
  const files: Record<string, string> = {};
  const byFile = new Map<string, { block: Block; offset: number }>();
  all.forEach((block, index) => {
    const file = `block${index}.ts`;
    const { text, offset } = module(block, names);
    files[file] = text;
    byFile.set(file, { block, offset });
  });
  return typecheck(files, compilerOptions({ allowJs: true })).map((problem: Problem) => {
    const found = byFile.get(problem.file);
    if (found === undefined) return `${problem.file}:${problem.line}: ${problem.message}`;
    const line = problem.line - found.offset;
    return line > 0
      ? `${found.block.where} (line ${line} of the block): ${problem.message}`
      : `${found.block.where} (in its preamble): ${problem.message}`;
  });
}

describe("code blocks type-check against the built package", () => {
  // One program for all of them: the compiler reads the libraries and declarations once.
  let problems: string[] = [];
  beforeAll(() => {
    problems = check([...README_BLOCKS, ...TSDOC_BLOCKS]);
  }, 120_000);

  it("finds the README's blocks and the TSDoc examples", () => {
    expect(README_BLOCKS.length).toBeGreaterThanOrEqual(5);
    expect(TSDOC_BLOCKS.length).toBeGreaterThan(15);
  });

  it("every ```ts block of README.md", () => {
    expect(problems.filter((problem) => problem.startsWith("README.md:"))).toEqual([]);
  });

  it("every ```ts block of a TSDoc comment in src/", () => {
    expect(problems.filter((problem) => !problem.startsWith("README.md:"))).toEqual([]);
  });
});

/** The TSDoc comment of each exported interface, class and function declared in src/, but the `@internal` ones. */
const DOCUMENTED = new Map(
  SOURCES.flatMap((file) =>
    [
      ...readFileSync(`${ROOT}${file}`, "utf8").matchAll(
        /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/)\s*\nexport (?:abstract )?(?:interface|class|(?:async )?function\*?) (\w+)/g,
      ),
    ]
      .filter((match) => !(match[1] ?? "").includes("@internal"))
      .map((match) => [match[2] ?? "", match[1] ?? ""] as const),
  ),
);

/** What a reader of the API docs most needs to see used: options, events, the error families. */
const NEEDS_EXAMPLE = [
  ...[...DOCUMENTED.keys()].filter((name) => name.endsWith("Options")),
  ...["RequestHeaders", "RequestBody", "RequestEnd", "ResponseHeaders", "ResponseBody", "ResponseEnd"],
  ...["ProtocolError", "LocalProtocolError", "RemoteProtocolError", "toResponseHeaders"],
];

describe("the API docs", () => {
  it("cover every options interface", () => {
    expect(NEEDS_EXAMPLE.filter((name) => name.endsWith("Options")).length).toBeGreaterThanOrEqual(8);
  });

  it.each(NEEDS_EXAMPLE)("show %s in an @example", (name) => {
    expect(DOCUMENTED.get(name), `no TSDoc comment found for ${name}`).toMatch(/@example\n[\s\S]*```ts/);
  });
});
