/**
 * YAML as wfplan reads it: limits on nesting and size checked on the lexer's tokens before
 * anything is built, the parser's messages in words, and where a spec path is in the file.
 */
import { type Document, isMap, isScalar, isSeq, Lexer, type Node, type Pair } from "yaml";

/** Collections one inside another: a spec needs six or so. */
const MAX_NESTING = 32;
/**
 * Nodes and indicators (values, `[ { - ? : ,`, tags, anchors, aliases, documents) in one file: 25
 * workteams with 50 tags each need some 10,000.
 */
const MAX_STRUCTURE = 20_000;
const STRUCTURE = new Set(["[", "{", "-", "?", ":", ",", "---", "\u001f"]);
/** The lexer's markers, which stand for no text of the file. */
const MARKERS = new Set(["\u0002", "\u0018", "\u001f"]);

/**
 * The offset where the YAML nests deeper than MAX_NESTING — flow collections in flow collections,
 * or block indicators (`- - -`, `? ? ?`) on one line — or undefined. One pass over the lexer's
 * tokens, which costs little memory whatever the input.
 */
export function tooDeep(text: string): { offset: number; message: string } | undefined {
  let offset = 0;
  let flow = 0;
  let onLine = 0;
  let structure = 0;
  const deep = {
    message: `the YAML nests more than ${MAX_NESTING} levels deep here; a spec nests a few`,
  };
  for (const token of new Lexer().lex(text)) {
    const counted = STRUCTURE.has(token) || /^[!&*]/.test(token);
    if (counted && ++structure > MAX_STRUCTURE) {
      return {
        offset,
        message: `the YAML holds more than ${MAX_STRUCTURE} values and collections; a spec holds some thousands at most`,
      };
    }
    if (MARKERS.has(token)) continue;
    if (token === "\n" || token === "\r\n") onLine = 0;
    else if (token === "[" || token === "{") {
      if (++flow > MAX_NESTING) return { offset, ...deep };
    } else if (token === "]" || token === "}") flow = Math.max(0, flow - 1);
    else if (token === "-" || token === "?") {
      if (++onLine > MAX_NESTING) return { offset, ...deep };
    }
    offset += token.length;
  }
  return undefined;
}

/** A problem the parser found, in words, at an offset of the text. */
export interface YamlProblem {
  offset: number;
  message: string;
  hint?: string;
}

/** Codes the parser gives, twice at one place, for a value followed by a deeper line. */
const DEEPER_LINE = new Set(["BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY"]);

/**
 * The parser's errors and warnings in words. A value followed by a deeper line is one mistake,
 * said once; when the key of that value is at the indentation of an empty key above it
 * (`workforce:` then `name: x` then deeper lines), that key is said to be mis-indented.
 */
export function yamlProblems(
  text: string,
  errors: readonly { code: string; message: string; pos: [number, number] }[],
): YamlProblem[] {
  const out: YamlProblem[] = [];
  const deeper = new Set<number>();
  for (const e of errors) {
    const offset = e.pos[0];
    if (DEEPER_LINE.has(e.code)) {
      if (deeper.has(offset)) continue;
      deeper.add(offset);
      const under = underEmptyKey(text, offset);
      if (under) {
        out.push(under);
        continue;
      }
    }
    out.push({ offset, message: yamlMessage(e.code, e.message), hint: yamlHint(e.code) });
  }
  return out;
}

/** A line `KEY: value`, `KEY:` or `- KEY: value`: the text before the key, the key, the rest. */
const KEY_LINE = /^( *(?:- +)?)([^\s#:'"[\]{},&*!|>%@`-][^#:]*):(?:\s|$)(.*)$/;
const NOTHING = /^\s*(#.*)?$/;
const MAX_KEY = 64;

/**
 * The line of `offset` is `KEY: value` at the indentation of a key left empty on the line above
 * (past blank and comment lines): the key looks to belong under that one.
 */
function underEmptyKey(text: string, offset: number): YamlProblem | undefined {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  const line = KEY_LINE.exec(lineAt(text, start));
  // A new list item (`- name: x`) is not a key of the one above.
  if (!line || line[1]!.includes("-") || NOTHING.test(line[3]!)) return undefined;
  // The line above, past blank and comment lines.
  let previous: string | undefined;
  for (let at = start; at > 0 && previous === undefined; ) {
    at = text.lastIndexOf("\n", at - 2) + 1;
    const l = lineAt(text, at);
    if (!NOTHING.test(l)) previous = l;
  }
  const above = previous === undefined ? null : KEY_LINE.exec(previous);
  if (!above || !NOTHING.test(above[3]!) || above[1]!.length !== line[1]!.length) return undefined;
  const [key, parent] = [line[2]!.trimEnd(), above[2]!.trimEnd()];
  // Keys of the format are short names: anything else is not taken for one.
  if (key.length > MAX_KEY || parent.length > MAX_KEY) return undefined;
  return {
    offset: start + line[1]!.length,
    message: `YAML syntax error: ${key} looks mis-indented: ${parent}: above it is empty, and the lines after it are deeper`,
    hint: `indent ${key}: by two more spaces, under ${parent}:`,
  };
}

/** The line that starts at `start`, without its line break. */
function lineAt(text: string, start: number): string {
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? undefined : end).replace(/\r$/, "");
}

export function yamlMessage(code: string, message: string): string {
  const first = message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  switch (code) {
    case "DUPLICATE_KEY":
      return "duplicate key: this key appears earlier in the same mapping";
    case "TAB_AS_INDENT":
      return "tabs are not allowed for indentation in YAML";
    case "TAG_RESOLVE_FAILED":
      return `${first}; a spec uses plain YAML values`;
    default:
      return `YAML syntax error: ${first}`;
  }
}

export function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "keep one of them; YAML does not merge repeated keys";
    case "TAB_AS_INDENT":
      return "indent with spaces";
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return "check the indentation of this line and the next: a value cannot go on below its key";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "check the indentation and brackets on this line and the one before";
    default:
      return undefined;
  }
}

/**
 * A plan path as the spec's own path: a workteam's name becomes its index in `workteams` (a fleet
 * target's own, under `targets.N`), and a target's index a number.
 */
export function specPath(raw: unknown, path: string): PropertyKey[] {
  const segs: PropertyKey[] = path.split(".");
  // A fleet target's override (`targets.1.workteams.annotators`) holds workteams of its own.
  let scope = raw as { workteams?: unknown; targets?: unknown } | undefined;
  let at = 0;
  if (segs[0] === "targets" && /^\d+$/.test(String(segs[1])) && Array.isArray(scope?.targets)) {
    const index = Number(segs[1]);
    segs[1] = index;
    scope = scope.targets[index] as typeof scope;
    at = 2;
  }
  const teams = scope?.workteams;
  if (segs[at] === "workteams" && segs.length > at + 1 && Array.isArray(teams)) {
    const index = teams.findIndex((t) => (t as { name?: unknown })?.name === segs[at + 1]);
    if (index >= 0) segs[at + 1] = index;
  }
  return segs;
}

/** The YAML node at a spec path, if there is one. */
export function nodeAt(doc: Document, path: readonly PropertyKey[]): Node | undefined {
  let node: Node | null | undefined = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find(
        (p) => keyText(p.key) === String(seg),
      );
      node = pair?.value as Node | undefined;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg] as Node | undefined;
    } else return undefined;
  }
  return node ?? undefined;
}

/** The source offset of the node at a spec path, or of its key; the nearest existing parent if absent. */
export function offsetOf(doc: Document, path: readonly PropertyKey[], key: boolean): number {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const [i, seg] of path.entries()) {
    let next: Node | null | undefined;
    if (isMap(node)) {
      const pair: Pair<unknown, unknown> | undefined = (
        node.items as Pair<unknown, unknown>[]
      ).find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node | null;
      if (key && i === path.length - 1) return keyNode?.range?.[0] ?? offset;
      next = (pair.value as Node | null) ?? keyNode;
      if (!pair.value) {
        offset = keyNode?.range?.[0] ?? offset;
        break;
      }
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg] as Node | undefined;
    }
    if (!next) break;
    node = next;
    offset = node.range?.[0] ?? offset;
  }
  return offset;
}

/** A key as the spec's object has it: an empty key (`: x`, `~: x`) is "", as `toJS` makes it. */
export function keyText(key: unknown): string {
  if (!isScalar(key)) return String(key);
  return key.value === null ? "" : String(key.value);
}
