import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSpecFile, loadSpecText, MAX_SPEC_BYTES } from "../../src/spec/load.ts";
import { oidcConfig, spec, yaml } from "../builders.ts";

const FILE = "workforce.yaml";
const SPEC_HINT = "a spec is a YAML mapping with version: 1 and a workforce";
const error = (line: number, column: number, message: string, hint?: string, path = "") => ({
  severity: "error",
  file: FILE,
  line,
  column,
  path,
  message,
  hint,
});
const diagnostics = (input: string | Uint8Array) => loadSpecText(input, FILE).diagnostics;

describe("the file as a whole", () => {
  it.each([
    ["an empty file", "", [error(1, 1, "the file is empty", SPEC_HINT)]],
    ["only a comment", "# nothing yet\n", [error(1, 1, "the file is empty", SPEC_HINT)]],
    ["a null document", "~\n", [error(1, 1, "the file has no content", SPEC_HINT)]],
    [
      "a list",
      "- a\n- b\n",
      [
        error(
          1,
          1,
          "the top level is a list; a spec is a mapping",
          "start with version: 1 and a workforce: section",
        ),
      ],
    ],
    [
      "a list after a comment",
      "# teams\n- a\n",
      [
        error(
          2,
          1,
          "the top level is a list; a spec is a mapping",
          "start with version: 1 and a workforce: section",
        ),
      ],
    ],
    [
      "two documents",
      "version: 1\n---\nversion: 1\n",
      [
        error(
          2,
          1,
          "the file holds 2 YAML documents; a spec is one",
          "remove the --- separator and the documents after it",
        ),
      ],
    ],
    [
      "a duplicate key",
      "version: 1\nworkforce:\n  name: a\n  name: b\n",
      [
        error(
          4,
          3,
          "duplicate key: this key appears earlier in the same mapping",
          "keep one of them; YAML does not merge repeated keys",
        ),
      ],
    ],
    [
      "a list as a key",
      "version: 1\n? [a, b]\n: 1\n",
      [error(2, 3, "a key here is a mapping or a list; spec keys are plain names")],
    ],
    [
      "a mapping as a key in a flow mapping",
      "version: 1\nworkforce: {{a: 1}: x}\n",
      [error(2, 13, "a key here is a mapping or a list; spec keys are plain names")],
    ],
    [
      "an alias bomb",
      [
        "a: &a [x, x, x, x, x, x, x, x, x]",
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
        "d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      ].join("\n"),
      [
        error(
          1,
          1,
          "aliases expand to too many nodes (more than 100 references): a YAML alias bomb?",
          "write the values out instead of nesting aliases",
        ),
      ],
    ],
    [
      "an empty key and a ~ key: the same key",
      'version: 1\n"": 1\n~: 2\n',
      [
        error(
          3,
          1,
          "duplicate key: this key appears earlier in the same mapping",
          "keep one of them; YAML does not merge repeated keys",
        ),
      ],
    ],
  ])("%s", (_, text, expected) => {
    expect(diagnostics(text)).toEqual(expected);
  });

  /** YAML 1.1's types: read, a Buffer's methods were "unknown keys" and a Set an empty mapping. */
  it.each([
    ["binary data", "version: 1\nworkforce: !!binary aGVsbG8=\n", 2, 12, "binary"],
    ["a timestamp", "version: 1\nworkforce:\n  name: !!timestamp 2001-12-14\n", 3, 9, "timestamp"],
    ["a set", "version: 1\nworkforce: !!set {name}\n", 2, 12, "set"],
    ["an ordered mapping", "version: 1\nworkforce: !!omap [name: w]\n", 2, 12, "omap"],
    ["binary data as the whole document", "!!binary aGVsbG8=\n", 1, 1, "binary"],
  ])("refuses %s, as a tag a spec does not use", (_, text, line, column, tag) => {
    expect(diagnostics(text)).toEqual([
      error(
        line,
        column,
        `Unresolved tag: tag:yaml.org,2002:${tag}; a spec uses plain YAML values`,
      ),
    ]);
  });

  it("points at a key left empty (: value), at its line", () => {
    const text = `${yaml(spec())}: labelers\n`;
    expect(diagnostics(text)).toEqual([
      error(
        text.split("\n").length - 1,
        1,
        'unknown key ""',
        "allowed keys here: version, region, workforce, workteams, policy, targets",
        '[""]',
      ),
    ]);
  });

  it("lists the problems of one line in column order", () => {
    const text =
      "version: 1\nworkforce: {ipAddressType: ipv6, name: -w, cognitoConfig: {userPool: p_1, clientId: c}}\n";
    expect(diagnostics(text).map((d) => [d.line, d.column, d.path])).toEqual([
      [2, 28, "workforce.ipAddressType"],
      [2, 40, "workforce.name"],
    ]);
  });

  it("lists a syntax error and a duplicate key in file order", () => {
    const ds = diagnostics("a: 1\na: 2\nb: [x\n");
    expect(ds.map((d) => [d.line, d.column, d.message])).toEqual([
      [2, 1, "duplicate key: this key appears earlier in the same mapping"],
      [
        4,
        1,
        "YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ],
    ]);
  });
});

describe("YAML merge keys", () => {
  const MERGE = [
    "YAML merge keys (<<) are not supported",
    "write the keys out in each place; an anchor (&name) and alias (*name) can still share a whole value",
  ] as const;

  it("are reported at each use, and nothing else is", () => {
    const text = [
      "version: 1",
      "base: &b {name: labelers}",
      "workforce:",
      "  <<: *b",
      "workteams:",
      "  - <<: *b",
      "",
    ].join("\n");
    expect(diagnostics(text)).toEqual([error(4, 3, ...MERGE), error(6, 5, ...MERGE)]);
  });
});

describe("the size and the text", () => {
  it("refuses text over the limit, for the file as a whole", () => {
    expect(loadSpecText(`#${"x".repeat(MAX_SPEC_BYTES)}`, FILE)).toEqual({
      file: FILE,
      text: "",
      diagnostics: [error(0, 0, "the file is 257 KiB; at most 256 KiB is allowed")],
    });
  });

  it("reads text of exactly the limit", () => {
    expect(diagnostics(`#${"x".repeat(MAX_SPEC_BYTES - 1)}`)).toEqual([
      error(1, 1, "the file is empty", SPEC_HINT),
    ]);
  });

  it("has no text when the bytes cannot be decoded", () => {
    expect(loadSpecText(Uint8Array.from([0x61, 0xff, 0x0a]), FILE)).toEqual({
      file: FILE,
      text: "",
      diagnostics: [
        error(1, 2, "the file is not valid UTF-8", "save it as UTF-8 (wfplan reads UTF-8 only)"),
      ],
    });
  });

  it.each([
    ["a leading byte-order mark in text is dropped", "\ufeffversion: 1\n", "version: 1\n"],
    [
      "a byte-order mark inside text is kept",
      "version: 1\n# a\ufeffb\n",
      "version: 1\n# a\ufeffb\n",
    ],
  ])("%s", (_, input, text) => {
    expect(loadSpecText(input, FILE).text).toBe(text);
    expect(loadSpecText(new TextEncoder().encode(input), FILE).text).toBe(text);
  });
});

describe("too deep", () => {
  it.each([
    ["on a middle line", `a: 1\nb: 2\nc: ${"[".repeat(33)}\nd: 4\n`, 3, 36],
    ["on the last line, without a newline", `a: 1\nb: 2\nc: ${"[".repeat(33)}`, 3, 36],
    ["on the first line", `c: ${"[".repeat(33)}\nd: 4\n`, 1, 36],
    ["after blank lines", `\n\n\n${"- ".repeat(33)}x\n`, 4, 65],
  ])("is located %s", (_, text, line, column) => {
    expect(diagnostics(text)).toEqual([
      error(
        line,
        column,
        "the YAML nests more than 32 levels deep here; a spec nests a few",
        "write the value out plainly",
      ),
    ]);
  });
});

describe("how many problems are listed", () => {
  it.each([
    [100, undefined],
    [101, "1 more problem not listed (the first 100 are)"],
    [150, "50 more problems not listed (the first 100 are)"],
  ])("%i duplicate keys", (count, more) => {
    const text = "a: 0\n".repeat(count + 1);
    const ds = diagnostics(text);
    const dups = ds.filter((d) => d.message.startsWith("duplicate key"));
    expect(dups.map((d) => d.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(ds.slice(100)).toEqual(
      more ? [error(0, 0, more, "fix these, then validate again")] : [],
    );
  });
});

describe("hints that quote a value as written", () => {
  it.each([
    ["a hexadecimal number", "version: 1\nworkforce:\n  name: 0x1F\n", '"0x1F"'],
    ["a number through an alias", "version: 1\nn: &n 0x1F\nworkforce:\n  name: *n\n", '"0x1F"'],
  ])("%s", (_, text, quoted) => {
    const d = diagnostics(text).find((x) => x.path === "workforce.name");
    expect(d?.hint).toBe(`quote the value (${quoted}) to make it a string`);
  });
});

describe("the parser's stack traces", () => {
  it("leaves Error.stackTraceLimit as it was", () => {
    const before = Error.stackTraceLimit;
    // A value of its own, so that a limit another test left at 0 cannot pass for restored.
    Error.stackTraceLimit = 7;
    try {
      loadSpecText("a: [\nb: }\n", FILE);
      loadSpecText(yaml(spec()), FILE);
      expect(Error.stackTraceLimit).toBe(7);
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});

describe("loadSpecFile", () => {
  let dir = "";
  const tmp = () => {
    dir = mkdtempSync(join(tmpdir(), "wfplan-load-"));
    return dir;
  };
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = "";
  });

  it("says how to get a spec when the file is missing", () => {
    const file = join(tmp(), "workforce.yaml");
    expect(loadSpecFile(file)).toEqual({
      file,
      text: "",
      diagnostics: [
        {
          ...error(
            0,
            0,
            "file not found",
            "pass the spec with -f FILE, or run wfplan import --name NAME to write one",
          ),
          file,
        },
      ],
    });
  });

  it("passes on the reader's own problem and hint", () => {
    const file = join(tmp(), "workforce.yaml");
    mkdirSync(file);
    expect(loadSpecFile(file).diagnostics).toEqual([
      {
        ...error(0, 0, "is a directory, not a regular file", "wfplan reads regular files only"),
        file,
      },
    ]);
  });

  it("warns, at the clientSecret, of a secret file others can read", () => {
    const d = tmp();
    const file = join(d, "workforce.yaml");
    writeFileSync(join(d, "secret.txt"), "s3cret\n");
    chmodSync(join(d, "secret.txt"), 0o644);
    writeFileSync(
      file,
      yaml(spec({ workforce: { oidcConfig: oidcConfig({ clientSecret: "${file:secret.txt}" }) } })),
    );
    const result = loadSpecFile(file);
    const line = result.text.split("\n").findIndex((l) => l.includes("clientSecret")) + 1;
    const column = result.text.split("\n")[line - 1]!.indexOf("${file") + 1;
    expect(result.spec).toBeDefined();
    expect(result.diagnostics).toEqual([
      {
        severity: "warning",
        file,
        line,
        column,
        path: "workforce.oidcConfig.clientSecret",
        message: `secret file ${join(d, "secret.txt")} is readable by group or others (mode 644); chmod 600 it`,
        hint: undefined,
      },
    ]);
  });

  it.each([
    ["a valid spec with an env secret", spec()],
    [
      "a spec without OIDC",
      spec({
        workforce: {
          oidcConfig: undefined,
          cognitoConfig: { userPool: "us-east-1_AbC123", clientId: "c1" },
        },
      }),
    ],
  ])("has nothing to say of %s", (_, raw) => {
    const file = join(tmp(), "workforce.yaml");
    writeFileSync(file, yaml(raw));
    const result = loadSpecFile(file);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec).toBeDefined();
  });

  it("reports an invalid spec without looking for a secret", () => {
    const file = join(tmp(), "workforce.yaml");
    writeFileSync(file, "version: 2\n");
    const result = loadSpecFile(file);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });
});

describe("the limit on listed problems covers the checks across fields", () => {
  it("counts a check's problem past the first 100", () => {
    const keys = Array.from({ length: 100 }, (_, i) => `  k${i}: 1\n`).join("");
    const ds = diagnostics(`version: 1\nworkforce:\n  name: labelers\n${keys}`);
    expect(ds).toHaveLength(101);
    expect(ds.slice(0, 100).map((d) => d.path)).toEqual(
      Array.from({ length: 100 }, (_, i) => `workforce.k${i}`),
    );
    expect(ds[100]).toEqual(
      error(
        0,
        0,
        "1 more problem not listed (the first 100 are)",
        "fix these, then validate again",
      ),
    );
  });

  it("lists the check's problem when there is room", () => {
    const ds = diagnostics("version: 1\nworkforce:\n  name: labelers\n");
    expect(ds.map((d) => d.message)).toEqual(["the workforce needs oidcConfig or cognitoConfig"]);
  });
});
