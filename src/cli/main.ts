/**
 * The wfplan command line: parses arguments, runs one command, and is the one place where an
 * outcome becomes an exit code (PRODUCT.md, "Exit codes"). Each command's code is imported only
 * when that command runs: start-up loads commander and nothing else.
 */
import { Argument, Command, InvalidArgumentError, Option } from "commander";
import pkg from "../../package.json" with { type: "json" };
import { APPROVAL_LEVELS } from "../core/impact.ts";
import { DeclinedError, ReportedError, UserError } from "../errors.ts";
import { parseDuration, WAIT_ALLOWED, WAIT_RANGE } from "../values/duration.ts";
import {
  ENDPOINT_ALLOWED,
  endpointProblem,
  REGION_ALLOWED,
  REGION_PATTERN,
} from "../values/settings.ts";
import { colorsFor } from "../views/style.ts";
import { ExitCode, exitCodeOf } from "./errors.ts";

const DEFAULT_SPEC = "workforce.yaml";

/** The environment variables wfplan reads (README), after the options of `--help`. */
const ENVIRONMENT = `
Environment:
  WFPLAN_REQUEST_TIMEOUT      timeout of one AWS request attempt, a duration
                              from 1s to 5m (default: 10s)
  AWS_ENDPOINT_URL_SAGEMAKER  SageMaker endpoint (--endpoint-url overrides it)
  AWS_ENDPOINT_URL            endpoint of every AWS service; one service's own:
                              AWS_ENDPOINT_URL_STS, _SNS, _EC2,
                              _COGNITO_IDENTITY_PROVIDER
  WFPLAN_OIDC_CLIENT_SECRET   the OIDC client secret, in specs that reference
                              it as \${env:WFPLAN_OIDC_CLIENT_SECRET}
  NO_COLOR=1                  plain output (same as --no-color)
  WFPLAN_DEBUG=1              log every AWS SDK call and the SDK's warnings
  Credentials, region and profile come from the AWS SDK's usual variables
  (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...).`;

function program(): Command {
  const cli = new Command("wfplan")
    .description(
      "Plan and apply changes to a SageMaker Ground Truth private workforce and its workteams from workforce.yaml.",
    )
    .version(pkg.version, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    .option("--no-color", "plain output without ANSI colours (also NO_COLOR=1)")
    .addHelpText("after", ENVIRONMENT);

  cli
    .command("validate")
    .description("check a spec: every error at once, with file:line:column and what is allowed")
    .option("-f, --file <FILE>", "the spec file", DEFAULT_SPEC)
    .addOption(
      new Option("--format <FORMAT>", "output format").choices(["text", "json"]).default("text"),
    )
    .action(async (opts: { file: string; format: "text" | "json" }) => {
      const { validate } = await import("./commands/validate.ts");
      validate({ ...opts, ...cli.opts() });
    });

  const aws = (cmd: Command) =>
    cmd
      .option(
        "--region <REGION>",
        "AWS region (else the spec's region, then the SDK's usual sources)",
        region,
      )
      .option("--profile <PROFILE>", "AWS profile from the shared config files")
      .option(
        "--endpoint-url <URL>",
        "SageMaker endpoint, such as a wfplan emulator (also AWS_ENDPOINT_URL_SAGEMAKER)",
        endpointUrl,
      )
      .addHelpText("after", ENVIRONMENT);
  const intent = (cmd: Command) =>
    cmd
      .option(
        "--allow-workteam-deletion",
        "may delete (after a backup) workteams that block an OIDC update",
      )
      .option(
        "--rotate-client-secret",
        "send the OIDC config with the secret even when nothing visible differs",
      )
      .option(
        "--no-preflight",
        "skip the checks of the identity provider and the AWS resources the spec names",
      )
      .option(
        "--target <ACCOUNT/REGION>",
        "with a fleet spec, only this target (repeatable); wfplan targets lists them",
        targetId,
      );

  aws(
    intent(
      cli
        .command("plan")
        .description("show what apply would change (read-only)")
        .option("-f, --file <FILE>", "the spec file", DEFAULT_SPEC)
        .option("--out <PLANFILE>", "save the plan for wfplan apply PLANFILE")
        .option("--json-file <FILE>", "also write the plan's JSON document to FILE, blocked or not")
        .option("--markdown-file <FILE>", "also write the plan as markdown to FILE, blocked or not")
        .option("--detailed-exitcode", "exit 2 when there are changes (0 none, 1 error or blocked)")
        .addOption(
          new Option("--format <FORMAT>", "output format")
            .choices(["text", "json", "markdown"])
            .default("text"),
        ),
    ),
  ).action(async (opts) => {
    const { planCommand } = await import("./commands/plan.ts");
    process.exitCode = await planCommand({ ...opts, ...cli.opts() });
  });

  aws(
    intent(
      cli
        .command("apply")
        .description("plan, confirm, and make the live workforce match the spec, in a safe order")
        .argument(
          "[PLANFILE]",
          "apply exactly this saved plan (refused if the live state changed since)",
        )
        .option("-f, --file <FILE>", "the spec file", DEFAULT_SPEC)
        .option("--auto-approve", "do not ask for confirmation")
        .option(
          "--only-fresh",
          "with a fleet's PLANFILE, apply the targets whose live state is unchanged; the stale ones are not started",
        )
        .addOption(
          new Option(
            "--require-approval <LEVEL>",
            "with --auto-approve or a plan file, still ask before broadening changes, or before any security-relevant one",
          )
            .choices(APPROVAL_LEVELS)
            .default("never"),
        )
        .option(
          "--timeout <DURATION>",
          "how long to wait for the workforce to become Active (default: policy.waitTimeout, else 15m)",
          waitTimeout,
        )
        .addOption(
          new Option("--format <FORMAT>", "output format")
            .choices(["text", "json"])
            .default("text"),
        ),
    ),
  ).action(async (planFile: string | undefined, opts, cmd: Command) => {
    if (planFile && cmd.getOptionValueSource("file") === "cli") {
      throw new UserError("give either -f FILE or a PLANFILE, not both");
    }
    if (opts.format === "json" && !opts.autoApprove && !planFile) {
      throw new UserError("--format json cannot ask for confirmation", {
        hint: "add --auto-approve, or apply a saved plan file",
      });
    }
    const { applyCommand } = await import("./commands/apply.ts");
    process.exitCode = await applyCommand({ ...opts, ...cli.opts(), planFile });
  });

  aws(
    cli
      .command("targets")
      .description(
        "print a fleet spec's target ids (ACCOUNT/REGION), or the GitHub Actions matrix of them",
      )
      .option("-f, --file <FILE>", "the spec file", DEFAULT_SPEC)
      .option("--github-matrix", 'print {"include":[{"target":"ACCOUNT/REGION"},…]}')
      .option(
        "--chunk <N>",
        "with --github-matrix, an array of matrices of at most N targets (1-256)",
        chunk,
      )
      .option("--target <ACCOUNT/REGION>", "only this target (repeatable)", targetId),
  ).action(async (opts) => {
    const { targetsCommand } = await import("./commands/targets.ts");
    await targetsCommand({ ...opts, ...cli.opts() });
  });

  aws(
    cli
      .command("restore")
      .description(
        "recreate the workteams of a backup file that do not exist (for the rare manual case)",
      )
      .argument("<BACKUP>", "a file from .wfplan/backups/"),
  ).action(async (backup: string, opts) => {
    const { restoreCommand } = await import("./commands/restore.ts");
    await restoreCommand({ ...opts, backup });
  });

  aws(
    cli
      .command("import")
      .description("write a spec from the live workforce and workteams")
      .requiredOption("--name <NAME>", "the workforce's name")
      .option("--out <FILE>", "write the spec to FILE (default: stdout)")
      .option("--force", "overwrite --out FILE if it exists"),
  ).action(async (opts) => {
    const { importCommand } = await import("./commands/import.ts");
    await importCommand(opts);
  });

  cli
    .command("emulator")
    .description(
      "serve the SageMaker workforce API on 127.0.0.1, for demos, tests and any AWS client",
    )
    .option("--port <N>", "port to listen on (0 = any free port)", integer, 4599)
    .option(
      "--region <REGION>",
      "region of requests whose signature names none",
      region,
      "us-east-1",
    )
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
      const { emulator } = await import("./commands/emulator.ts");
      await emulator(opts);
    });

  cli
    .command("demo")
    .description(
      "the whole plan → apply cycle (backup, delete, update, wait, restore, verify) against an embedded emulator",
    )
    .option(
      "--fleet",
      "three targets in two accounts, planned together and rolled out with a canary",
    )
    .action(async (opts) => {
      const { demoCommand } = await import("./commands/demo.ts");
      process.exitCode = await demoCommand({ ...cli.opts(), ...opts });
    });

  cli
    .command("schema")
    .description(
      "print the JSON Schema of workforce.yaml (for editors; committed as schema/workforce.schema.json)",
    )
    .action(async () => {
      const { jsonSchema } = await import("../spec/schema.ts");
      process.stdout.write(`${JSON.stringify(jsonSchema(), null, 2)}\n`);
    });

  cli
    .command("completion")
    .description("print a completion script for the shell: source <(wfplan completion bash)")
    .addArgument(new Argument("<SHELL>", "the shell").choices(["bash", "zsh", "fish"]))
    .action(async (shell: "bash" | "zsh" | "fish") => {
      const { completionScript } = await import("./completion.ts");
      process.stdout.write(completionScript(shell, cli));
    });

  return cli;
}

// Flag values are checked as they are parsed, before anything is read or called.

function region(value: string): string {
  if (!REGION_PATTERN.test(value)) throw new InvalidArgumentError(`expected ${REGION_ALLOWED}`);
  return value;
}

function endpointUrl(value: string): string {
  if (endpointProblem(value)) throw new InvalidArgumentError(`expected ${ENDPOINT_ALLOWED}`);
  return value;
}

function waitTimeout(value: string): string {
  const ms = parseDuration(value);
  if (ms === undefined || ms < WAIT_RANGE.min || ms > WAIT_RANGE.max) {
    throw new InvalidArgumentError(`expected ${WAIT_ALLOWED}`);
  }
  return value;
}

/** `--target`, repeatable: each an `ACCOUNT/REGION` id, collected in order. */
function targetId(value: string, previous: string[] = []): string[] {
  const [account, region, ...rest] = value.split("/");
  if (rest.length > 0 || !/^\d{12}$/.test(account ?? "") || !REGION_PATTERN.test(region ?? "")) {
    throw new InvalidArgumentError(
      "expected ACCOUNT/REGION, a 12-digit account and a region, such as 123456789012/us-east-1",
    );
  }
  return [...previous, value];
}

/** A GitHub Actions matrix holds at most 256 jobs. */
function chunk(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) {
    throw new InvalidArgumentError("expected a whole number from 1 to 256");
  }
  return n;
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
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  const c = colorsFor({ color: !process.argv.includes("--no-color") }, process.stderr);
  if (e instanceof ReportedError) return exitCodeOf(e);
  if (e instanceof DeclinedError) {
    if (!e.shown) process.stderr.write(`${c.yellow(e.message)}\n`);
    return exitCodeOf(e);
  }
  if (e instanceof UserError) {
    process.stderr.write(`${c.red("Error:")} ${e.message}\n`);
    if (e.hint) process.stderr.write(`  ${c.dim("hint:")} ${e.hint}\n`);
    return exitCodeOf(e);
  }
  process.stderr.write(
    `${c.red("wfplan: internal error")} — this is a bug; please report it with the lines below.\n${(e as Error)?.stack ?? String(e)}\n`,
  );
  return ExitCode.error;
}

/**
 * A reader that stops early (`wfplan validate | head -1`) closes the pipe, and the next write fails
 * with EPIPE. That is no error of the command's: the rest of that stream's output is dropped,
 * quietly, and the command runs to its end with its own exit code, so an apply is never cut off
 * between two steps by a closed pipe.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    stream.write = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  });
}
quietWhenClosed(process.stdout);
quietWhenClosed(process.stderr);

main(process.argv).then((code) => {
  process.exitCode = code;
});
