import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { STACK_LINE, tempFile, wfplan } from "../helpers/cli.ts";

const specs = [
  "workforce.yaml",
  ...readdirSync("examples")
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => `examples/${f}`),
];

describe("wfplan validate", () => {
  it.each(specs)("%s is valid (exit 0)", (file) => {
    const r = wfplan(["validate", "-f", file]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(`✓ ${file} is valid`);
    expect(r.code).toBe(0);
  });

  it("reports every mistake at once with line:column and a hint, exit 1, no stack trace", () => {
    const file = tempFile(
      "workforce.yaml",
      [
        "version: 1",
        "workforce:",
        "  name: labelers",
        "  cognitoConfig: {userPool: us-east-1_abc, clientId: abc}",
        "  sourceIpConfig:",
        "    cidrs: [10.0.0.0/16, 10.1.0.0/33]",
        "  ipAddresType: dualstack",
        "workteams:",
        "  - name: team-",
        "    description: a team",
        "    memberDefinitions: []",
      ].join("\n"),
    );
    const r = wfplan(["validate", "-f", file, "--no-color"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${file}:6:26: error: workforce.sourceIpConfig.cidrs[1]: "10.1.0.0/33" is not valid`,
    );
    expect(r.stdout).toContain(
      `${file}:7:3: error: workforce.ipAddresType: unknown key "ipAddresType"`,
    );
    expect(r.stdout).toContain('hint: did you mean "ipAddressType"?');
    expect(r.stdout).toContain(`${file}:9:11: error: workteams[0].name:`);
    expect(r.stdout).toContain(
      `${file}:11:24: error: workteams[0].memberDefinitions: has 0 items; needs at least 1 item`,
    );
    expect(r.stdout).toContain("4 errors");
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).not.toContain("\u001b[");
  });

  it("shows the offending line with a caret", () => {
    const file = tempFile(
      "w.yaml",
      "version: 1\nworkforce:\n  name: _x\n  cognitoConfig: {userPool: us-east-1_abc, clientId: abc}\n",
    );
    const r = wfplan(["validate", "-f", file]);
    expect(r.stdout).toContain("  3 |   name: _x\n    |         ^\n");
  });

  it("never echoes a literal client secret", () => {
    const file = tempFile(
      "w.yaml",
      "version: 1\nworkforce:\n  name: x\n  oidcConfig:\n    clientSecret: TOPSECRET-123\n",
    );
    const r = wfplan(["validate", "-f", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("clientSecret: <redacted>");
    expect(r.stdout + r.stderr).not.toContain("TOPSECRET");
  });

  it("prints warnings and still exits 0", () => {
    const file = tempFile(
      "w.yaml",
      "version: 1\nworkforce:\n  name: x\n  cognitoConfig: {userPool: us-east-1_abc, clientId: abc}\n  sourceIpConfig: {cidrs: [0.0.0.0/0]}\n",
    );
    const r = wfplan(["validate", "-f", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "warning: workforce.sourceIpConfig.cidrs[0]: 0.0.0.0/0 allows every IPv4 address",
    );
    expect(r.stdout).toContain("is valid (1 warning)");
  });

  it("reports a missing file clearly", () => {
    const r = wfplan(["validate", "-f", "/nonexistent/workforce.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("/nonexistent/workforce.yaml: error: file not found");
    expect(r.stdout + r.stderr).not.toMatch(STACK_LINE);
  });

  it("reads ./workforce.yaml by default", () => {
    const r = wfplan(["validate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("workforce.yaml is valid");
  });

  it("has a JSON form for tools", () => {
    const file = tempFile("w.yaml", "version: 2\n");
    const r = wfplan(["validate", "-f", file, "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ formatVersion: 1, valid: false });
    expect(doc.diagnostics.map((d: { path: string }) => d.path).sort()).toEqual([
      "version",
      "workforce",
    ]);
  });

  it("colours only when asked and allowed", () => {
    const file = tempFile("w.yaml", "version: 2\n");
    expect(wfplan(["validate", "-f", file], { FORCE_COLOR: "1" }).stdout).toContain("\u001b[");
    expect(
      wfplan(["validate", "-f", file, "--no-color"], { FORCE_COLOR: "1" }).stdout,
    ).not.toContain("\u001b[");
    expect(
      wfplan(["validate", "-f", file], { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout,
    ).not.toContain("\u001b[");
  });
});

describe("the command line", () => {
  it("has --help for every command", () => {
    for (const cmd of [
      [],
      ["validate"],
      ["plan"],
      ["apply"],
      ["import"],
      ["restore"],
      ["emulator"],
      ["demo"],
      ["schema"],
    ]) {
      const r = wfplan([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Usage: wfplan");
    }
  });

  it("rejects an unknown option with exit 1 and usage help", () => {
    const r = wfplan(["validate", "--frobnicate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it("rejects an unknown command", () => {
    const r = wfplan(["valdate"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("(Did you mean validate?)");
  });
});
