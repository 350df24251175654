/**
 * How `wfplan plan` shows a plan, chosen once from the flags: Terraform's views. JSON and markdown
 * for tools and pull requests, the Ink review for a person at a terminal, plain text otherwise.
 */
import { renderPlanJson } from "../render/json.ts";
import { renderPlanMarkdown } from "../render/markdown.ts";
import { renderPlanText } from "../render/text.ts";
import type { Prepared } from "../session/plan.ts";
import { loadTui } from "../tui/load.ts";
import { type ColorOptions, colorsFor, inkColor, isInteractive } from "./style.ts";

export type PlanFormat = "text" | "json" | "markdown";

export interface PlanView {
  show(prepared: Prepared): Promise<void>;
  /** The plan was saved to `file` to be applied as it is. */
  saved(file: string): void;
}

export function planView(
  format: PlanFormat,
  opts: ColorOptions & { out?: string },
  out: NodeJS.WriteStream = process.stdout,
): PlanView {
  const write = (text: string) => {
    out.write(text);
  };
  switch (format) {
    case "json":
      return {
        show: async (p) => write(renderPlanJson(p.plan, liveMeta(p))),
        saved: () => {},
      };
    case "markdown":
      return { show: async (p) => write(renderPlanMarkdown(p.plan)), saved: () => {} };
    case "text":
      return {
        async show({ plan }) {
          // The review is for reading a plan that changes something, not for a saved one.
          if (isInteractive() && !opts.out && plan.resources.length > 0) {
            const tui = await loadTui();
            await tui.reviewPlan(plan, { confirm: false, color: inkColor(opts) });
          } else write(renderPlanText(plan, colorsFor(opts, out)));
        },
        saved: (file) =>
          write(`\nSaved the plan to ${file}; apply exactly it with: wfplan apply ${file}\n`),
      };
  }
}

/** What the JSON document says of the live workforce. */
export const liveMeta = (p: Prepared) => ({
  fingerprint: p.fingerprint,
  workforceExists: p.live.workforce !== null,
  workforceStatus: p.live.workforce?.status,
});
