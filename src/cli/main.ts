/**
 * The wfplan command line: parses arguments, runs one command, and is the one place where an
 * outcome becomes an exit code (PRODUCT.md, "Exit codes").
 */
import { Command, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { jsonSchema } from "../spec/schema.ts";
import { validate } from "./commands/validate.ts";
import { ExitCode, ReportedError, UserError } from "./errors.ts";
import { colorsFor } from "./style.ts";

const DEFAULT_SPEC = "workforce.yaml";

function program(): Command {
  const cli = new Command("wfplan")
    .description(
      "Plan and apply changes to a SageMaker Ground Truth private workforce and its workteams from workforce.yaml.",
    )
    .version(pkg.version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .option("--no-color", "plain output without ANSI colours (also NO_COLOR=1)");

  cli
    .command("validate")
    .description("check a spec: every error at once, with file:line:column and what is allowed")
    .option("-f, --file <FILE>", "the spec file", DEFAULT_SPEC)
    .addOption(
      new Option("--format <FORMAT>", "output format").choices(["text", "json"]).default("text"),
    )
    .action((opts: { file: string; format: "text" | "json" }) => {
      validate({ ...opts, ...cli.opts() });
    });

  cli
    .command("schema")
    .description(
      "print the JSON Schema of workforce.yaml (for editors; committed as schema/workforce.schema.json)",
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`);
    });

  return cli;
}

/** Runs the CLI and returns the exit code; never throws. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return ExitCode.ok;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  const c = colorsFor({ color: !process.argv.includes("--no-color") }, process.stderr);
  if (e instanceof ReportedError) return e.exitCode;
  if (e instanceof UserError) {
    process.stderr.write(`${c.red("Error:")} ${e.message}\n`);
    if (e.hint) process.stderr.write(`  ${c.dim("hint:")} ${e.hint}\n`);
    return e.exitCode;
  }
  process.stderr.write(
    `${c.red("wfplan: internal error")} — this is a bug; please report it with the lines below.\n${(e as Error)?.stack ?? String(e)}\n`,
  );
  return ExitCode.error;
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
