/**
 * The wfplan command line: parses arguments, runs one command, and is the one place where an
 * outcome becomes an exit code (PRODUCT.md, "Exit codes").
 */
import { Command, InvalidArgumentError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { jsonSchema } from "../spec/schema.ts";
import { emulator } from "./commands/emulator.ts";
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
    .command("emulator")
    .description(
      "serve the SageMaker workforce API on 127.0.0.1, for demos, tests and any AWS client",
    )
    .option("--port <N>", "port to listen on (0 = any free port)", integer, 4599)
    .option("--region <REGION>", "region of requests whose signature names none", "us-east-1")
    .option("--state <FILE>", "load state from FILE if it exists, and save every change to it")
    .option("--seed <FILE>", "start from this state file without writing to it")
    .option("--create-delay-ms <MS>", "how long a new workforce stays Initializing", integer, 2000)
    .option("--update-delay-ms <MS>", "how long an updated workforce stays Updating", integer, 3000)
    .option("--throttle-every <N>", "answer every Nth call with ThrottlingException", integer)
    .option("--error-every <N>", "answer every Nth call with a server error", integer)
    .addOption(
      new Option("--error-status <CODE>", "the server error's status")
        .choices(["500", "503"])
        .argParser(Number),
    )
    .option("--latency-ms <MS>", "add latency to every call", integer)
    .option("--fail-update <REASON>", "make workforce updates end Failed with this FailureReason")
    .option("--fail-updates <N>", "how many updates --fail-update fails", integer, 1)
    .option("-q, --quiet", "do not log each call")
    .action(async (opts) => {
      await emulator(opts);
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

function integer(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("expected a whole number");
  }
  return n;
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
