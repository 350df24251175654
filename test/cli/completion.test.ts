/**
 * `wfplan completion bash|zsh|fish`, loaded into the real shell and asked what it completes. Bash is
 * on every machine; zsh and fish are checked where they are installed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempFile, wfplan } from "../helpers/cli.ts";

const has = (shell: string) => spawnSync(shell, ["-c", "exit 0"]).status === 0;

/** A folder whose `wfplan` is this checkout's, to put on a shell's PATH. */
function pathWithWfplan(): string {
  const bin = join(dirname(tempFile("x", "")), "bin");
  mkdirSync(bin);
  symlinkSync(resolve("bin/wfplan.js"), join(bin, "wfplan"));
  return `${bin}:${process.env.PATH}`;
}

function script(shell: string): string {
  const r = wfplan(["completion", shell]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  return r.stdout;
}

describe("bash", () => {
  const cases: [string[], string][] = [
    [
      ["wfplan", ""],
      "validate plan apply targets restore import emulator demo schema completion -V --version --no-color -h --help",
    ],
    [["wfplan", "ap"], "apply"],
    [["wfplan", "plan", "--f"], "--file --format"],
    [["wfplan", "plan", "--format", ""], "text json markdown"],
    [["wfplan", "apply", "--format", ""], "text json"],
    [["wfplan", "--no-color", "validate", "--format", "j"], "json"],
    [["wfplan", "emulator", "--error-status", ""], "500 503"],
    [["wfplan", "completion", ""], "bash zsh fish"],
    [["wfplan", "apply", "-f", "work"], "workforce.yaml"],
    [["wfplan", "apply", "--auto-approve", "work"], "workforce.yaml"],
    [["wfplan", "restore", "--region", ""], ""],
    [["wfplan", "validate", "--no"], "--no-color"],
  ];
  it.each(cases)("%j → %s", (words, expected) => {
    const file = tempFile("completion.bash", script("bash"));
    writeFileSync(join(dirname(file), "workforce.yaml"), "");
    const probe = `source ${file}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_wfplan_completion; echo "\${COMPREPLY[*]}"`;
    const r = spawnSync("bash", ["-c", probe], { cwd: dirname(file), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${expected}\n`);
  });

  it("registers itself for wfplan", () => {
    const file = tempFile("completion.bash", script("bash"));
    const r = spawnSync("bash", ["-c", `source ${file}; complete -p wfplan`], { encoding: "utf8" });
    expect(r.stdout).toBe("complete -F _wfplan_completion wfplan\n");
  });
});

describe.skipIf(!has("fish"))("fish", () => {
  it.each([
    ["wfplan pla", "plan\tshow what apply would change (read-only)"],
    ["wfplan plan --format ", "json\toutput format\nmarkdown\toutput format\ntext\toutput format"],
    ["wfplan completion ", "bash\nfish\nzsh"],
  ])("%j", (line, expected) => {
    const file = tempFile("wfplan.fish", script("fish"));
    const r = spawnSync("fish", ["-c", `source ${file}; complete -C'${line}'`], {
      encoding: "utf8",
      env: { ...process.env, PATH: pathWithWfplan() },
    });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${expected}\n`);
  });
});

describe.skipIf(!has("zsh"))("zsh", () => {
  it("is valid zsh that registers _wfplan", () => {
    const file = tempFile("_wfplan", script("zsh"));
    const r = spawnSync(
      "zsh",
      [
        "-f",
        "-c",
        `autoload -Uz compinit && compinit -u -d ${file}.dump; source ${file}; echo $_comps[wfplan]`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("_wfplan\n");
  });
});

it("refuses a shell it does not know, naming those it does", () => {
  const r = wfplan(["completion", "powershell"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    "error: command-argument value 'powershell' is invalid for argument 'SHELL'. Allowed choices are bash, zsh, fish.",
  );
});
