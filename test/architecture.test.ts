/**
 * The layers of src/ (README, Development; docs/architecture.md), checked on every import: a file
 * may import its own layer's files and any layer below, never one above, and never a sibling
 * layer at its level. This is what lets a script (or a fleet, or a GitHub Action) plan and apply
 * without the CLI.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../src");

/** Bottom to top. Layers in one row are siblings: neither may import the other. */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts", "io", "values"],
  ["spec"],
  ["core"],
  ["aws", "render", "emulator"],
  ["preflight"], // read-only checks of what a spec refers to: the identity provider, AWS resources
  ["apply"],
  ["session"],
  ["index.ts"], // the library's entry: the session layer and what its callers need
  ["tui"],
  ["views"],
  ["cli"],
];

function layerOf(file: string): { level: number; name: string } {
  const name = relative(SRC, file).split("/")[0]!;
  const level = LAYERS.findIndex((row) => row.includes(name));
  if (level < 0) throw new Error(`${relative(SRC, file)} is in no layer: add its folder to LAYERS`);
  return { level, name };
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every relative module a file names: static imports and re-exports, and import() calls. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']/gms,
    /^\s*import\s*["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const m of text.matchAll(pattern)) if (m[1]!.startsWith(".")) found.push(m[1]!);
  return found;
}

describe("the layers of src/", () => {
  it("finds the imports of a file, in each form", () => {
    expect(
      importsOf(
        [
          'import { a } from "./a.ts";',
          "import type {\n  B,\n  C,\n} from '../b/c.ts';",
          'export { d } from "./d.ts";',
          'import "./side.ts";',
          'const e = await import("../e.tsx");',
          'import { z } from "zod";',
        ].join("\n"),
      ),
    ).toEqual(["./a.ts", "../b/c.ts", "./d.ts", "./side.ts", "../e.tsx"]);
  });

  it("has no import from a layer above, or from a sibling layer", () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(file, "utf8"))) {
        const target = resolve(dirname(file), spec);
        if (target === resolve(SRC, "../package.json")) continue; // the version
        if (!target.startsWith(`${SRC}/`)) {
          wrong.push(`${relative(SRC, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (to.level > from.level || (to.level === from.level && to.name !== from.name))
          wrong.push(
            `${relative(SRC, file)} (${from.name}) imports ${relative(SRC, target)} (${to.name})`,
          );
      }
    }
    expect(wrong).toEqual([]);
  });
});
