/**
 * `wfplan completion bash|zsh|fish`: a completion script for the shell, written from the command
 * line's own definition (commands, flags, their choices), so it cannot fall behind it.
 */
import type { Command } from "commander";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

interface Flag {
  names: string[];
  description: string;
  /** What follows the flag: nothing, a file, one of some choices, or any word. */
  value: "none" | "file" | "choice" | "word";
  choices: string[];
}

interface Subcommand {
  name: string;
  description: string;
  flags: Flag[];
  /** Its positional argument: a file (apply's PLANFILE, restore's BACKUP) or one of some words. */
  argument: { value: "file" | "choice"; choices: string[] } | undefined;
}

const FILE_VALUE = /<(FILE|PLANFILE|BACKUP)>/;

function flagsOf(cmd: Command): Flag[] {
  return cmd.options
    .filter((o) => !o.hidden)
    .map((o) => ({
      names: [o.short, o.long].filter((n): n is string => Boolean(n)),
      description: o.description,
      value: o.argChoices
        ? "choice"
        : FILE_VALUE.test(o.flags)
          ? "file"
          : o.required || o.optional
            ? "word"
            : "none",
      choices: o.argChoices ?? [],
    }));
}

function argumentOf(cmd: Command): Subcommand["argument"] {
  const [arg] = cmd.registeredArguments;
  if (arg?.argChoices) return { value: "choice", choices: arg.argChoices };
  if (arg && FILE_VALUE.test(`<${arg.name()}>`)) return { value: "file", choices: [] };
  return undefined;
}

function model(cli: Command) {
  const help: Flag = {
    names: ["-h", "--help"],
    description: "show help",
    value: "none",
    choices: [],
  };
  // The program's own flags that work after a command too (--no-color; not --version).
  const inherited = flagsOf(cli).filter((f) => !f.names.includes("--version"));
  const commands: Subcommand[] = cli.commands.map((c) => ({
    name: c.name(),
    description: c.description(),
    flags: [...flagsOf(c), ...inherited, help],
    argument: argumentOf(c),
  }));
  return { name: cli.name(), globalFlags: [...flagsOf(cli), help], commands };
}

export function completionScript(shell: Shell, cli: Command): string {
  const m = model(cli);
  return { bash, zsh, fish }[shell](m);
}

type Model = ReturnType<typeof model>;

const names = (flags: Flag[]) => flags.flatMap((f) => f.names).join(" ");

/** Bash quotes file names with spaces and marks folders with a slash only when told they are files. */
const FILENAMES = "compopt -o filenames 2>/dev/null";

function bash({ name, globalFlags, commands }: Model): string {
  const fn = `_${name}_completion`;
  // After a flag that takes a value, complete its value; flags with the same answer share a line.
  const reply = (f: Flag) =>
    f.value === "file"
      ? `${FILENAMES}; COMPREPLY=($(compgen -f -- "$cur"))`
      : f.value === "choice"
        ? `COMPREPLY=($(compgen -W "${f.choices.join(" ")}" -- "$cur"))`
        : "COMPREPLY=()";
  const valueCases = (c: Subcommand) => {
    const byReply = new Map<string, string[]>();
    for (const f of c.flags.filter((f) => f.value !== "none")) {
      byReply.set(reply(f), [...(byReply.get(reply(f)) ?? []), ...f.names]);
    }
    if (byReply.size === 0) return "";
    const lines = [...byReply].map(([r, flags]) => `        ${flags.join("|")}) ${r}; return ;;`);
    return `      case "$prev" in\n${lines.join("\n")}\n      esac\n`;
  };
  const argument = (c: Subcommand) => {
    if (!c.argument) return "";
    const words =
      c.argument.value === "file"
        ? `${FILENAMES}; COMPREPLY=($(compgen -f -- "$cur"))`
        : `COMPREPLY=($(compgen -W "${c.argument.choices.join(" ")}" -- "$cur"))`;
    return `      if [[ "$cur" != -* ]]; then ${words}; return; fi\n`;
  };
  const commandCases = commands.map(
    (c) =>
      `    ${c.name})\n${valueCases(c)}${argument(c)}      COMPREPLY=($(compgen -W "${names(c.flags)}" -- "$cur")) ;;`,
  );
  return `# ${name} completion for bash. Load it now:   source <(${name} completion bash)
# or for every shell:  ${name} completion bash > ~/.local/share/bash-completion/completions/${name}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" command="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [[ "\${COMP_WORDS[i]}" != -* ]]; then command="\${COMP_WORDS[i]}"; break; fi
  done
  case "$command" in
    "") COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(" ")} ${names(globalFlags)}" -- "$cur")) ;;
${commandCases.join("\n")}
  esac
}
complete -F ${fn} ${name}
`;
}

/** Quotes a word for zsh and fish, in single quotes. */
const quoted = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function zsh({ name, commands }: Model): string {
  const spec = (f: Flag) => {
    const description = f.description.replace(/[[\]:\\]/g, "\\$&");
    const value =
      f.value === "file"
        ? ":file:_files"
        : f.value === "choice"
          ? `:value:(${f.choices.join(" ")})`
          : f.value === "word"
            ? ":value: "
            : "";
    const exclusive = f.names.length > 1 ? `(${f.names.join(" ")})` : "";
    const forms = f.names.length > 1 ? `{${f.names.join(",")}}` : f.names[0];
    return `${exclusive && quoted(exclusive)}${forms}${quoted(`[${description}]${value}`)}`;
  };
  const cases = commands.map((c) => {
    const argument =
      c.argument?.value === "file"
        ? ["1:file:_files"]
        : c.argument
          ? [`1:value:(${c.argument.choices.join(" ")})`]
          : [];
    const args = [...c.flags.map(spec), ...argument.map(quoted)];
    return `    ${c.name}) _arguments -s \\\n        ${args.join(" \\\n        ")} ;;`;
  });
  const list = commands.map((c) => quoted(`${c.name}:${c.description}`));
  return `#compdef ${name}
# ${name} completion for zsh. Load it now:   source <(${name} completion zsh)
# or save it as _${name} in a folder of $fpath.
_${name}() {
  local -a commands
  commands=(
    ${list.join("\n    ")}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands '${name} command' commands
    return
  fi
  local command=$words[2]
  shift words; (( CURRENT-- ))
  case $command in
${cases.join("\n")}
  esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _${name} "$@"
else
  compdef _${name} ${name}
fi
`;
}

function fish({ name, globalFlags, commands }: Model): string {
  const flag = (condition: string, f: Flag) => {
    const parts = [`complete -c ${name} -n ${quoted(condition)}`];
    for (const n of f.names)
      parts.push(n.startsWith("--") ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`);
    if (f.value === "file") parts.push("-r -F");
    if (f.value === "choice") parts.push(`-x -a ${quoted(f.choices.join(" "))}`);
    if (f.value === "word") parts.push("-x");
    parts.push(`-d ${quoted(f.description)}`);
    return parts.join(" ");
  };
  const lines = [
    `# ${name} completion for fish. Load it now:   ${name} completion fish | source`,
    `# or for every shell:  ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `complete -c ${name} -f`,
    ...globalFlags.map((f) => flag("__fish_use_subcommand", f)),
    ...commands.map(
      (c) =>
        `complete -c ${name} -n __fish_use_subcommand -a ${c.name} -d ${quoted(c.description)}`,
    ),
    ...commands.flatMap((c) => {
      const when = `__fish_seen_subcommand_from ${c.name}`;
      return [
        ...c.flags.map((f) => flag(when, f)),
        ...(c.argument?.value === "file" ? [`complete -c ${name} -n ${quoted(when)} -F`] : []),
        ...(c.argument?.value === "choice"
          ? [`complete -c ${name} -n ${quoted(when)} -a ${quoted(c.argument.choices.join(" "))}`]
          : []),
      ];
    }),
  ];
  return `${lines.join("\n")}\n`;
}
