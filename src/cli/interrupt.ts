import type { ApplyEvent } from "../apply/execute.ts";
import type { Step } from "../core/types.ts";
import { stepLine } from "../render/describe.ts";
import { ExitCode } from "./errors.ts";

/**
 * Ctrl-C and SIGTERM: the first stops the apply (between steps; a wait at once), and says what
 * that does to the running step (which `track` follows from the apply's events); the second exits
 * now.
 */
export function onInterrupt(notify: (notice: string) => void, backupDir: string) {
  const interrupt = new AbortController();
  let running: Step | undefined;
  const onSignal = () => {
    if (!interrupt.signal.aborted) {
      interrupt.abort();
      const step = running;
      notify(
        step?.kind === "wait-active"
          ? "Interrupt received: the wait stops now. The workforce update goes on in AWS; run wfplan apply again to finish (it waits for it, then does the remaining steps)."
          : `Interrupt received: finishing the current step${step ? ` (${stepLine(step)})` : ""}, then stopping. Press Ctrl-C again to exit now.`,
      );
    } else {
      process.stderr.write(
        `\nExiting now. Run wfplan apply again to finish; deleted workteams are backed up in ${backupDir}.\n`,
      );
      process.exit(ExitCode.interrupted);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: interrupt.signal,
    track(e: ApplyEvent) {
      if (e.type === "step-start") running = e.step;
      else if (e.type.startsWith("step-")) running = undefined;
    },
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
