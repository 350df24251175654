/**
 * A section's keys written at the section's own indentation:
 *
 *     workforce:
 *     name: labelers
 *
 * leave the section empty and its keys one level up, where they are unknown. Said once, at the
 * first of those keys, instead of "expected a mapping, got null" and an unknown key for each.
 */
import { type Document, isMap, isScalar, isSeq, type Node, type Pair } from "yaml";
import { formatPath } from "./diagnostics.ts";
import type { Located } from "./issues.ts";
import { acceptsNull, keysAt } from "./schema.ts";
import { keyText } from "./yaml.ts";

export interface MisIndented extends Located {
  /** The spec paths (formatted) of the problems this one explains: not to be said again. */
  covers: string[];
}

/** Keys listed in a message; past this, the rest are counted. */
const LISTED = 3;

export function misIndented(doc: Document): MisIndented[] {
  const out: MisIndented[] = [];
  walk(doc.contents, [], out);
  return out;
}

function walk(node: unknown, path: PropertyKey[], out: MisIndented[]): void {
  if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) walk(item, [...path, i], out);
    return;
  }
  if (!isMap(node)) return;
  const known = keysAt(path);
  const pairs = node.items as Pair<unknown, unknown>[];
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    const key = keyText(pair.key);
    const section = [...path, key];
    walk(pair.value, section, out);
    // Only in a block mapping of the format's own keys (not tags), for a section left empty.
    const own = keysAt(section);
    if (node.flow || !known.includes(key) || own.length === 0 || !isEmpty(pair.value)) continue;
    // The keys after it that do not belong where they are.
    const run: string[] = [];
    for (let j = i + 1; j < pairs.length && !known.includes(keyText(pairs[j]!.key)); j++) {
      run.push(keyText(pairs[j]!.key));
    }
    if (run.length === 0) continue;
    // A section that may be null is taken as mis-indented only when the keys are its own.
    if (acceptsNull(section) && !run.some((k) => own.includes(k))) continue;
    const names = run.slice(0, LISTED).map((k) => JSON.stringify(k));
    const more = run.length - names.length;
    const listed = more > 0 ? `${names.join(", ")} and ${more} more` : and(names);
    const where = path.length > 0 ? `in ${formatPath(path)}` : "at the top level";
    out.push({
      path: section,
      at: [...path, run[0]!],
      key: true,
      message: `is empty, and the keys after it look mis-indented: ${listed} ${run.length > 1 ? "are" : "is"} not allowed ${where}`,
      hint: `indent the keys under ${key}: by two more spaces`,
      covers: [section, ...run.map((k) => [...path, k])].map(formatPath),
    });
    i += run.length;
  }
}

/** A value left out (`key:` and nothing, or only a comment), not an explicit null. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const range = (value as Node).range;
  return isScalar(value) && value.value === null && !!range && range[0] === range[1];
}

function and(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words.at(-1)}` : words[0]!;
}
