import pc from "picocolors";
import type { Colors } from "picocolors/types.js";
import { describe, expect, it } from "vitest";
import {
  redactSecrets,
  renderDiagnostic,
  renderDiagnostics,
  renderSummary,
  renderValidationJson,
} from "../../src/render/diagnostics.ts";
import type { Diagnostic } from "../../src/spec/diagnostics.ts";
import { loadSpecText } from "../../src/spec/load.ts";
import { spec, yaml } from "../builders.ts";

const plain = pc.createColors(false);
/** Colours that show as tags, so a test can see which part got which. */
const tagged = new Proxy({} as Colors, {
  get: (_, name) => (s: string) => `<${String(name)}>${s}</${String(name)}>`,
});

const diag = (o: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: "error",
  file: "w.yaml",
  line: 2,
  column: 5,
  path: "workforce.name",
  message: "must match ^[a-zA-Z0-9]+$",
  ...o,
});

describe("a diagnostic", () => {
  it("says where, what and how to fix, with the line and a caret under the column", () => {
    const lines = ["version: 1", "  x: bad name", "z: 3"];
    expect(renderDiagnostic(diag({ hint: "letters and digits" }), lines, plain)).toBe(
      [
        "w.yaml:2:5: error: workforce.name: must match ^[a-zA-Z0-9]+$",
        "  2 |   x: bad name",
        "    |     ^",
        "  hint: letters and digits",
      ].join("\n"),
    );
  });

  it("keeps tabs in the caret's indent, so the caret stands under the column", () => {
    const out = renderDiagnostic(diag({ line: 1, column: 3 }), ["\t\tx"], plain);
    expect(out.split("\n")[2]).toBe("    | \t\t^");
  });

  it("pads the gutter to the line number's width", () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
    const out = renderDiagnostic(diag({ line: 12, column: 1 }), lines, plain).split("\n");
    expect(out[1]).toBe("  12 | line 12");
    expect(out[2]).toBe("     | ^");
  });

  it("names the file alone, and shows no frame, for a problem of the whole file", () => {
    const out = renderDiagnostic(diag({ line: 0, column: 0, path: "" }), ["a"], plain);
    expect(out).toBe("w.yaml: error: must match ^[a-zA-Z0-9]+$");
  });

  it("shows no frame for a line the text does not have", () => {
    expect(renderDiagnostic(diag({ line: 9 }), ["a"], plain)).toBe(
      "w.yaml:9:5: error: workforce.name: must match ^[a-zA-Z0-9]+$",
    );
  });

  it("cuts a long line at 120 characters, trailing space trimmed, and no caret past its end", () => {
    const long = `${"a".repeat(130)}`;
    const out = renderDiagnostic(diag({ line: 1, column: 125 }), [long], plain).split("\n");
    expect(out[1]).toBe(`  1 | ${"a".repeat(120)}`);
    expect(out).toHaveLength(2);
    const spaced = renderDiagnostic(diag({ line: 1, column: 1 }), ["key: v   "], plain);
    expect(spaced.split("\n")[1]).toBe("  1 | key: v");
    const atEnd = renderDiagnostic(diag({ line: 1, column: 7 }), ["key: v"], plain);
    expect(atEnd.split("\n")[2]).toBe("    |       ^");
  });

  it("never echoes a clientSecret line's value", () => {
    const out = renderDiagnostic(diag({ line: 1, column: 3 }), ["  clientSecret: hunter2"], plain);
    expect(out).toContain("clientSecret: <redacted>");
    expect(out).not.toContain("hunter2");
  });

  it("colours the severity, the location and the path", () => {
    expect(renderDiagnostic(diag({ line: 0 }), [], tagged)).toBe(
      "<dim>w.yaml:</dim> <bold><red>error</red></bold>: <bold>workforce.name</bold>: must match ^[a-zA-Z0-9]+$",
    );
    expect(renderDiagnostic(diag({ line: 0, severity: "warning", path: "" }), [], tagged)).toBe(
      "<dim>w.yaml:</dim> <bold><yellow>warning</yellow></bold>: must match ^[a-zA-Z0-9]+$",
    );
    const framed = renderDiagnostic(diag({ hint: "h" }), ["a", "bcdefg"], tagged).split("\n");
    expect(framed.slice(1)).toEqual([
      "  <dim>2 |</dim> bcdefg",
      "  <dim>  |</dim>     <bold>^</bold>",
      "  <dim>hint:</dim> h",
    ]);
  });
});

describe("every diagnostic of a file", () => {
  it("each with its frame from the text, lines split on CRLF too, a blank line after each", () => {
    const text = "a: 1\r\nb: 2\n";
    const out = renderDiagnostics(
      [diag({ line: 1, column: 1, path: "a" }), diag({ line: 2, column: 1, path: "b" })],
      text,
      plain,
    );
    expect(out).toBe(
      [
        "w.yaml:1:1: error: a: must match ^[a-zA-Z0-9]+$",
        "  1 | a: 1",
        "    | ^",
        "",
        "w.yaml:2:1: error: b: must match ^[a-zA-Z0-9]+$",
        "  2 | b: 2",
        "    | ^",
        "",
        "",
      ].join("\n"),
    );
    expect(renderDiagnostics([], text, plain)).toBe("");
    // A line ended by LF alone is a line too, before a CRLF as after it.
    const mixed = renderDiagnostics([diag({ line: 2, column: 1 })], "a: 1\nb: 2\r\nc: 3", plain);
    expect(mixed.split("\n")[1]).toBe("  2 | b: 2");
  });
});

describe("redaction", () => {
  it.each([
    ["clientSecret: abc", "clientSecret: <redacted>"],
    ['  "clientSecret": "abc",', '  "clientSecret": <redacted>'],
    ["- clientSecret:abc # note", "- clientSecret:<redacted>"],
    ["clientId: abc", "clientId: abc"],
    ["clientSecret : abc", "clientSecret : <redacted>"],
    ['clientSecret: "a\u2028b"', "clientSecret: <redacted>"],
    ["clientSecret: abc\rissuer: x", "clientSecret: <redacted>"],
    // Misspelt: the very lines a diagnostic quotes.
    ["    ClientSecret: hunter2", "    ClientSecret: <redacted>"],
    ["client_secret: hunter2", "client_secret: <redacted>"],
    [
      "  oidcConfig: {clientId: a, CLIENTSECRET: hunter2}",
      "  oidcConfig: {clientId: a, CLIENTSECRET: <redacted>",
    ],
    ["secret: hunter2", "secret: <redacted>"],
  ])("%j → %j", (line, shown) => {
    expect(redactSecrets(line)).toBe(shown);
  });
});

it("never echoes a literal secret under a misspelt key, which is what the diagnostic quotes", () => {
  const text =
    "version: 1\nworkforce:\n  name: labelers\n  oidcConfig:\n    ClientSecret: hunter2-literal\n";
  const { diagnostics } = loadSpecText(text, "w.yaml");
  const out = renderDiagnostics(diagnostics, text, pc.createColors(false));
  expect(out).toContain("ClientSecret: <redacted>");
  expect(out).not.toContain("hunter2");
});

describe("a file whose lines end in a lone CR", () => {
  it("never echoes its clientSecret, though its frame holds the whole file", () => {
    const text = "version: 1\rworkforce:\r  oidcConfig:\r    clientSecret: hunter2\r";
    const { diagnostics } = loadSpecText(text, "w.yaml");
    expect(diagnostics.length).toBeGreaterThan(0);
    const out = renderDiagnostics(diagnostics, text, plain);
    expect(out.split("\n")[1]).toBe(
      "  1 | version: 1\rworkforce:\r  oidcConfig:\r    clientSecret: <redacted>",
    );
    expect(out).not.toContain("hunter2");
  });
});

describe("the summary", () => {
  it.each([
    [[], "✓ w.yaml is valid"],
    [[diag({ severity: "warning" })], "✓ w.yaml is valid (1 warning)"],
    [
      [diag({ severity: "warning" }), diag({ severity: "warning" })],
      "✓ w.yaml is valid (2 warnings)",
    ],
    [[diag()], "✗ w.yaml: 1 error"],
    [[diag(), diag(), diag({ severity: "warning" })], "✗ w.yaml: 2 errors, 1 warning"],
  ] as const)("%j", (ds, line) => {
    expect(renderSummary("w.yaml", ds, plain)).toBe(line);
  });

  it("marks valid green and invalid red", () => {
    expect(renderSummary("w.yaml", [], tagged)).toBe("<green>✓</green> w.yaml is valid");
    expect(renderSummary("w.yaml", [diag()], tagged)).toBe("<red>✗</red> w.yaml: 1 error");
  });
});

describe("the validation document", () => {
  it.each([
    { name: "valid, with a warning", cidr: "10.0.0.1/16", valid: true },
    { name: "invalid", cidr: "10.0.0.0/33", valid: false },
  ])("$name", ({ cidr, valid }) => {
    const text = yaml(spec({ workforce: { sourceIpConfig: { cidrs: [cidr] } } }));
    const { diagnostics } = loadSpecText(text, "w.yaml");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.severity).toBe(valid ? "warning" : "error");
    expect(renderValidationJson("w.yaml", diagnostics)).toBe(
      `${JSON.stringify({ formatVersion: 1, file: "w.yaml", valid, diagnostics }, null, 2)}\n`,
    );
  });
});
