/**
 * Type-checks code the way a user's project would see the BUILT package: a scratch project
 * whose node_modules/sioscgi is this repository (so `sioscgi`, `sioscgi/fetch`... resolve
 * through package.json's exports to dist/), with Node's types, under `strict`, and with
 * `skipLibCheck` off so that the package's own declarations are checked too.
 */

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import ts from "typescript";
import { ROOT } from "./package.js";

/** The compiler options of a strict consumer on Node; `options` adds to them or replaces them (tsconfig.json spelling). */
export function compilerOptions(options: Record<string, unknown> = {}): ts.CompilerOptions {
  const json = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022", "dom", "dom.iterable"],
    types: ["node"],
    ...options,
  };
  const { options: converted, errors } = ts.convertCompilerOptionsFromJson(json, ROOT);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]?.messageText, "\n"));
  return converted;
}

/** One diagnostic: the file it is in (relative to the scratch project), its 1-based line, its message. */
export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/**
 * Writes `files` (paths relative to a scratch project of `"type": "module"`, which also
 * sees this repository's examples/ as ./examples) and type-checks them with `options`.
 * Returns every diagnostic, wherever it is: in the files or in the package's declarations.
 */
export function typecheck(files: Readonly<Record<string, string>>, options: ts.CompilerOptions): Problem[] {
  const scratch = mkdtempSync(path.join(tmpdir(), "sioscgi-typecheck-"));
  try {
    mkdirSync(path.join(scratch, "node_modules"));
    symlinkSync(ROOT, path.join(scratch, "node_modules", "sioscgi"), "dir");
    symlinkSync(path.join(ROOT, "node_modules", "@types"), path.join(scratch, "node_modules", "@types"), "dir");
    symlinkSync(path.join(ROOT, "examples"), path.join(scratch, "examples"), "dir");
    writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
    const names = Object.entries(files).map(([name, text]) => {
      const file = path.join(scratch, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    });
    const program = ts.createProgram(names, { ...options, typeRoots: [path.join(scratch, "node_modules", "@types")] });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      if (diagnostic.file === undefined || diagnostic.start === undefined) return { file: "", line: 0, message };
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const file = path.relative(scratch, diagnostic.file.fileName);
      return { file: file.startsWith("..") ? diagnostic.file.fileName : file, line: line + 1, message };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
