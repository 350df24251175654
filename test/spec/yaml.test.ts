import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadSpecText } from "../../src/spec/load.ts";
import {
  keyText,
  nodeAt,
  offsetOf,
  specPath,
  tooDeep,
  yamlHint,
  yamlMessage,
} from "../../src/spec/yaml.ts";

const FILE = "workforce.yaml";
const DEEP = "the YAML nests more than 32 levels deep here; a spec nests a few";
const BIG =
  "the YAML holds more than 20000 values and collections; a spec holds some thousands at most";
const errorsOf = (text: string) =>
  loadSpecText(text, FILE).diagnostics.filter((d) => d.severity === "error");

describe("tooDeep: nesting", () => {
  it.each([
    ["33 flow sequences", "[".repeat(33), 32],
    ["33 flow mappings", "{".repeat(33), 32],
    ["33 flow collections after a key", `a: ${"[{".repeat(16)}[`, 35],
    ["33 flow sequences on a second CRLF line", `a: 1\r\n${"[".repeat(33)}`, 38],
    ["33 block sequences on one line", `${"- ".repeat(33)}a`, 64],
    ["33 explicit keys on one line", `${"? ".repeat(33)}a`, 64],
    ["33 block sequences after a first line", `k: v\n${"- ".repeat(33)}a`, 69],
    ["33 block sequences after an unclosed flow sequence", `- [a\n${"- ".repeat(33)}x`, 69],
    // Closing brackets with nothing open do not make room for more nesting.
    ["33 flow sequences after stray closers", `${"]".repeat(5)}${"[".repeat(33)}`, 37],
    ["33 flow mappings after stray closers", `${"}".repeat(5)}${"{".repeat(33)}`, 37],
  ])("finds %s, at the first bracket or indicator too many", (_, text, offset) => {
    expect(tooDeep(text)).toEqual({ offset, message: DEEP });
  });

  it.each([
    ["32 flow sequences", `${"[".repeat(32)}a${"]".repeat(32)}`],
    ["32 flow mappings", `${"{".repeat(32)}${"}".repeat(32)}`],
    ["32 block sequences on one line", `${"- ".repeat(32)}a`],
    ["32 explicit keys on one line", `${"? ".repeat(32)}a`],
    ["many flow sequences side by side", `[${"[], ".repeat(40)}[]]`],
    ["many flow mappings side by side", `{${"{}: 1, ".repeat(40)}a: {}}`],
    ["20 block sequences on each of two lines", `${"- ".repeat(20)}a\n`.repeat(2)],
    ["20 explicit keys on each of two CRLF lines", `${"? ".repeat(20)}a\r\n`.repeat(2)],
    ["20 block sequences on each of two CRLF lines", `${"- ".repeat(20)}a\r\n`.repeat(2)],
    [
      "a long flow list on one line",
      `cidrs: [${Array.from({ length: 40 }, (_, i) => `10.0.${i}.0/24`).join(", ")}]`,
    ],
    ["an ordinary spec", "version: 1\nworkforce:\n  name: default\nworkteams:\n  - name: a\n"],
  ])("accepts %s", (_, text) => {
    expect(tooDeep(text)).toBeUndefined();
  });

  it("is located by line and column, with a hint, when loading", () => {
    const text = `version: 1\nworkforce:\n  x: ${"[".repeat(40)}\n`;
    expect(loadSpecText(text, FILE).diagnostics).toEqual([
      {
        severity: "error",
        file: FILE,
        line: 3,
        column: 38,
        path: "",
        message: DEEP,
        hint: "write the value out plainly",
      },
    ]);
  });
});

describe("tooDeep: size", () => {
  /** One line of YAML, how many values and indicators it holds, and the column of each. */
  const lines: [string, string, number[]][] = [
    ["list items", "- a", [1, 3]],
    ["tagged items", "- !t x", [1, 3, 6]],
    ["anchored items", "- &a y", [1, 3, 6]],
    ["aliases", "- *a", [1, 3]],
    ["empty flow sequences", "- []", [1, 3]],
    ["empty flow mappings", "- {}", [1, 3]],
    ["explicit keys", "? a", [1, 3]],
    ["key: value pairs", "a: 1", [1, 2, 4]],
    ["flow lists of two", "- [a, b]", [1, 3, 4, 5, 7]],
    ["document markers", "---", [1]],
    ["scalars with ! & * inside", "- a!b&c*d", [1, 3]],
  ];

  it.each(lines)("accepts up to 20000 in %s", (_, line, columns) => {
    const count = Math.floor(20_000 / columns.length);
    expect(tooDeep(`${line}\n`.repeat(count))).toBeUndefined();
  });

  it.each(lines)("refuses more than 20000 in %s, at the first too many", (_, line, columns) => {
    const count = Math.floor(20_000 / columns.length);
    const text = `${line}\n`.repeat(count + 1);
    expect(tooDeep(text)?.message).toBe(BIG);
    expect(loadSpecText(text, FILE).diagnostics).toEqual([
      {
        severity: "error",
        file: FILE,
        line: count + 1,
        column: columns[20_000 - count * columns.length],
        path: "",
        message: BIG,
        hint: "write the value out plainly",
      },
    ]);
  });
});

describe("yamlMessage", () => {
  it.each([
    [
      "DUPLICATE_KEY",
      "Map keys must be unique at line 3, column 1:\n\na: 1\n^\n",
      "duplicate key: this key appears earlier in the same mapping",
    ],
    [
      "TAB_AS_INDENT",
      "Tabs are not allowed as indentation at line 2, column 1:\n\na:\n\tb: 1\n^\n",
      "tabs are not allowed for indentation in YAML",
    ],
    [
      "TAG_RESOLVE_FAILED",
      "Unresolved tag: !foo",
      "Unresolved tag: !foo; a spec uses plain YAML values",
    ],
    [
      "TAG_RESOLVE_FAILED",
      "Unresolved tag: !foo at line 12, column 34:\n\na: !foo x\n   ^^^^\n",
      "Unresolved tag: !foo; a spec uses plain YAML values",
    ],
    [
      "MISSING_CHAR",
      "Flow sequence must end with a ] at line 3, column 4:\n\n[a\n  ^\n",
      "YAML syntax error: Flow sequence must end with a ]",
    ],
    [
      "BAD_INDENT",
      "All mapping items must start at the same column at line 123, column 45",
      "YAML syntax error: All mapping items must start at the same column",
    ],
    [
      "BLOCK_AS_IMPLICIT_KEY",
      "Nested mappings are not allowed in compact mappings",
      "YAML syntax error: Nested mappings are not allowed in compact mappings",
    ],
    // Only a position at the end of the first line is the parser's; other text is kept.
    [
      "UNEXPECTED_TOKEN",
      "Unexpected ] at line 1, column 2 of a flow collection",
      "YAML syntax error: Unexpected ] at line 1, column 2 of a flow collection",
    ],
  ])("%s: %j", (code, message, expected) => {
    expect(yamlMessage(code, message)).toBe(expected);
  });
});

describe("yamlHint", () => {
  it.each([
    ["DUPLICATE_KEY", "keep one of them; YAML does not merge repeated keys"],
    ["TAB_AS_INDENT", "indent with spaces"],
    ["BAD_INDENT", "check the indentation and brackets on this line and the one before"],
    ["MISSING_CHAR", "check the indentation and brackets on this line and the one before"],
    ["UNEXPECTED_TOKEN", "check the indentation and brackets on this line and the one before"],
    ["TAG_RESOLVE_FAILED", undefined],
    [
      "BLOCK_AS_IMPLICIT_KEY",
      "check the indentation of this line and the next: a value cannot go on below its key",
    ],
    [
      "MULTILINE_IMPLICIT_KEY",
      "check the indentation of this line and the next: a value cannot go on below its key",
    ],
    ["", undefined],
  ])("%s", (code, hint) => {
    expect(yamlHint(code)).toBe(hint);
  });
});

describe("the parser's problems, when loading", () => {
  it.each([
    [
      "a tab as indentation",
      "version: 1\nworkforce:\n\tname: x\n",
      3,
      1,
      "tabs are not allowed for indentation in YAML",
      "indent with spaces",
    ],
    [
      "an unknown tag",
      "version: !foo 1\n",
      1,
      10,
      "Unresolved tag: !foo; a spec uses plain YAML values",
      undefined,
    ],
    [
      "an unclosed flow sequence",
      "version: 1\ncidrs: [a, b\n",
      3,
      1,
      "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "check the indentation and brackets on this line and the one before",
    ],
  ])("%s", (_, text, line, column, message, hint) => {
    expect(errorsOf(text)[0]).toEqual({
      severity: "error",
      file: FILE,
      line,
      column,
      path: "",
      message,
      hint,
    });
  });
});

describe("a value followed by a deeper line, when loading: one mistake, said once", () => {
  const DEEPER =
    "check the indentation of this line and the next: a value cannot go on below its key";
  it.each<[string, string, [number, number, string, string][]]>([
    [
      "a key at the indentation of the empty key above it",
      "version: 1\nworkforce:\nname: labelers\n  oidcConfig: x\n",
      [
        [
          3,
          1,
          "YAML syntax error: name looks mis-indented: workforce: above it is empty, and the lines after it are deeper",
          "indent name: by two more spaces, under workforce:",
        ],
      ],
    ],
    [
      "the same, nested, past a comment and a blank line, with CRLF",
      "version: 1\r\nworkforce:\r\n  name: w\r\n  cognitoConfig: # the pool\r\n\r\n  # which one\r\n  userPool: p\r\n    clientId: c\r\n",
      [
        [
          7,
          3,
          "YAML syntax error: userPool looks mis-indented: cognitoConfig: above it is empty, and the lines after it are deeper",
          "indent userPool: by two more spaces, under cognitoConfig:",
        ],
      ],
    ],
    [
      "a line indented deeper than the key above it",
      "version: 1\nworkforce:\n  name: labelers\n   oidcConfig: x\n",
      [[3, 9, "YAML syntax error: Nested mappings are not allowed in compact mappings", DEEPER]],
    ],
    [
      "a new list item at the indentation of an empty key: not said to belong under it",
      "version: 1\nworkteams:\n  - memberDefinitions:\n  - name: x\n      d: 1\n",
      [[4, 11, "YAML syntax error: Nested mappings are not allowed in compact mappings", DEEPER]],
    ],
  ])("%s", (_, text, expected) => {
    expect(errorsOf(text).map((d) => [d.line, d.column, d.message, d.hint])).toEqual(expected);
  });
});

describe("specPath", () => {
  const teams = { workteams: [{ name: "alpha" }, { name: "beta" }] };
  it.each([
    ["a workteam by name", teams, "workteams.beta.description", ["workteams", 1, "description"]],
    ["the first workteam", teams, "workteams.alpha", ["workteams", 0]],
    ["an unknown workteam", teams, "workteams.gamma.name", ["workteams", "gamma", "name"]],
    ["the workteams list", { workteams: [{}] }, "workteams", ["workteams"]],
    [
      "a workteam after an empty entry",
      { workteams: [null, { name: "beta" }] },
      "workteams.beta",
      ["workteams", 1],
    ],
    [
      "workteams that are not a list",
      { workteams: { beta: {} } },
      "workteams.beta",
      ["workteams", "beta"],
    ],
    [
      "a workforce path named like a workteam",
      { workteams: [{ name: "description" }] },
      "workforce.description",
      ["workforce", "description"],
    ],
    [
      "a spec with no workteams",
      {},
      "workforce.oidcConfig.issuer",
      ["workforce", "oidcConfig", "issuer"],
    ],
    [
      "a fleet target's override of the workforce",
      { targets: [{}, { workforce: {} }] },
      "targets.1.workforce.tags",
      ["targets", 1, "workforce", "tags"],
    ],
    [
      "a workteam of a target's own, by name",
      { ...teams, targets: [{ workteams: [{ name: "beta" }] }] },
      "targets.0.workteams.beta.description",
      ["targets", 0, "workteams", 0, "description"],
    ],
    [
      "a target's workteam that it does not have",
      { ...teams, targets: [{ workteams: [] }] },
      "targets.0.workteams.beta",
      ["targets", 0, "workteams", "beta"],
    ],
    [
      "targets that are not a list",
      { targets: { 0: {} } },
      "targets.0.workforce",
      ["targets", "0", "workforce"],
    ],
  ])("%s", (_, raw, path, expected) => {
    expect(specPath(raw, path)).toEqual(expected);
  });
});

const SPEC = [
  "# a spec",
  "version: 1",
  "workforce:",
  "  name: default",
  "  cidrs: [10.0.0.0/8, 192.168.0.0/16]",
  "  empty:",
  "workteams:",
  "  - name: alpha",
  "  - name: beta",
  "    description: the second",
  "? explicit",
  "",
].join("\n");
/** The offset of the n-th occurrence of a text in SPEC. */
const at = (s: string, n = 1) => {
  let i = -1;
  for (let k = 0; k < n; k++) i = SPEC.indexOf(s, i + 1);
  return i;
};

describe("nodeAt", () => {
  it.each([
    [["version"], 1],
    [["workforce", "name"], "default"],
    [["workforce", "cidrs", 1], "192.168.0.0/16"],
    [["workteams", 1, "description"], "the second"],
    [["workteams", 0, "name"], "alpha"],
  ])("finds %j", (path, value) => {
    const doc = parseDocument(SPEC);
    expect(nodeAt(doc, path)?.toJSON()).toEqual(value);
  });

  it.each([
    [["missing"]],
    [["workforce", "missing"]],
    [["workteams", 5]],
    [["workteams", "alpha"]],
    [["workteams", "length"]],
    [["version", 0]],
    [["version", "x"]],
    [["explicit"]],
  ])("finds nothing at %j", (path) => {
    const doc = parseDocument(SPEC);
    expect(nodeAt(doc, path)).toBeUndefined();
  });
});

describe("offsetOf", () => {
  it.each([
    ["the whole spec", [], false, at("version")],
    ["a value", ["workforce", "name"], false, at("default")],
    ["a key", ["workforce", "name"], true, at("name")],
    ["a list item", ["workforce", "cidrs", 1], false, at("192.168")],
    ["a workteam", ["workteams", 1], false, at("name: beta")],
    ["a workteam's field", ["workteams", 1, "description"], false, at("the second")],
    ["a workteam's key", ["workteams", 1, "description"], true, at("description")],
    ["an empty value", ["workforce", "empty"], false, at("\n", 6)],
    ["a key without a value", ["explicit"], false, at("explicit")],
    ["beneath a key without a value", ["explicit", "x"], false, at("explicit")],
    ["a missing key: its mapping", ["workforce", "missing"], false, at("name: default")],
    ["a missing key's key: its mapping", ["workforce", "missing"], true, at("name: default")],
    ["a missing item: its list", ["workteams", 5], false, at("- name: alpha")],
    ["a name in a list: the list", ["workteams", "alpha"], false, at("- name: alpha")],
    // A workteam named "1" that the spec does not declare is not the spec's second workteam.
    ["a name of digits in a list: the list", ["workteams", "1"], false, at("- name: alpha")],
    ["beneath a scalar: the scalar", ["version", 0], false, at("1\n")],
    ["beneath a scalar by name", ["version", "x"], false, at("1\n")],
  ])("%s", (_, path, key, offset) => {
    const doc = parseDocument(SPEC);
    expect(offsetOf(doc, path, key)).toBe(offset);
  });

  it("is 0 in an empty document", () => {
    expect(offsetOf(parseDocument(""), ["workforce", "name"], false)).toBe(0);
    expect(offsetOf(parseDocument("# nothing\n"), [], true)).toBe(0);
  });
});

describe("keyText", () => {
  it("reads a scalar key's value and any other key as text", () => {
    const doc = parseDocument("1: one\nname: two\n");
    const keys = (doc.contents as { items: { key: unknown }[] }).items.map((p) => keyText(p.key));
    expect(keys).toEqual(["1", "name"]);
    expect(keyText("plain")).toBe("plain");
    const empty = parseDocument(': a\n~: b\nnull: c\n"null": d\n');
    const emptyKeys = (empty.contents as { items: { key: unknown }[] }).items;
    expect(emptyKeys.map((p) => keyText(p.key))).toEqual(["", "", "", "null"]);
    expect(keyText(null)).toBe("null");
  });
});
