/**
 * A fleet's review screen (README, "Fleets"): how many targets change, are blocked or failed, the
 * security-relevant changes of them all in one line, then the targets as groups that open on their
 * own plan (keys in tree.tsx), the rollout, and one confirmation for the whole fleet.
 * Presentational: props in, callbacks out.
 */
import { Box, Text } from "ink";
import { IMPACTS } from "../core/impact.ts";
import type { Plan } from "../core/types.ts";
import { IMPACT_TONE, impactCountLine } from "../render/describe.ts";
import {
  type FleetPlanEntry,
  fleetCountsLine,
  fleetSummary,
  rolloutLine,
} from "../render/fleet.ts";
import { heightOf, type Size } from "./layout.ts";
import { buildFleetRows, targetKey } from "./rows.ts";
import { tone } from "./tone.ts";
import { Footer, footerHeight, type ReviewOutcome, RowList, useTree, WholeRow } from "./tree.tsx";

export interface FleetReviewProps {
  entries: readonly FleetPlanEntry[];
  rollout: { maxConcurrency: number; canary: number; failureTolerance: number };
  /** Ask for confirmation (apply); without it the screen only shows the plans (plan). */
  confirm: boolean;
  color: boolean;
  onDone: (outcome: ReviewOutcome) => void;
  /** The window's size; by default the terminal's, kept current as it is resized. */
  size?: Size;
}

export function FleetReview({ entries, rollout, confirm, color, onDone, size }: FleetReviewProps) {
  const paint = tone(color);
  const tree = useTree({
    rowsOf: (expanded) => buildFleetRows(entries, expanded),
    // A small fleet opens on each target's resources; a larger one is one line per target.
    initiallyExpanded: entries.length <= 3 ? entries.map((e) => targetKey(e.target.id)) : [],
    confirm,
    onDone,
    ...(size && { size }),
  });
  if (tree.whole) return <WholeRow {...tree.whole} />;

  const summary = fleetSummary(entries);
  const counts = fleetCountsLine(entries);
  const security = securityCounts(entries);
  const securityLine = impactCountLine({ summary: { impact: security.counts } })?.replace(
    /^Security-relevant:/,
    `Security-relevant in ${security.targets} target${security.targets === 1 ? "" : "s"}:`,
  );
  const rolloutText = confirm ? rolloutLine(rollout) : undefined;
  const columns = Math.max(20, tree.size.columns);
  // The frame's budget, as the plan's review makes it: everything but the tree takes the rows it
  // needs, wrapped at the window's width, and the tree the rest, so the frame stays shorter than
  // the window. In a window too small for that, the frame is compact: no blank lines, and each
  // line above and below the tree cut to one row; in a smaller one still, without the counts, the
  // security and the rollout lines (each target's group says its own).
  const needs = (compact: boolean, bare: boolean) => {
    const h = (text: string | undefined) => (!text ? 0 : compact ? 1 : heightOf(text, columns));
    const gap = compact ? 0 : 1;
    return (
      1 + // the header
      (bare ? 0 : h(counts) + h(securityLine)) +
      gap +
      2 + // the arrows that say the tree goes on, above and below
      gap +
      (bare ? 0 : h(rolloutText)) +
      footerHeight(confirm, tree.answer, columns)
    );
  };
  // One row stays free: a frame as tall as the window makes Ink clear the screen.
  const free = (compact: boolean, bare = false) => tree.size.rows - 1 - needs(compact, bare);
  const compact = free(false) < MIN_TREE;
  const bare = compact && free(true) < 1;
  const height = Math.max(1, free(compact, bare));
  const wrap = compact ? "truncate-end" : "wrap";
  const gap = compact ? 0 : 1;

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        wfplan · fleet of {entries.length} target{entries.length === 1 ? "" : "s"}
      </Text>
      {bare ? null : (
        <Text bold color={paint(summary.blocked || summary.failed ? "red" : undefined)} wrap={wrap}>
          {counts}
        </Text>
      )}
      {securityLine && !bare ? (
        <Text bold color={paint(security.tone)} wrap={wrap}>
          {securityLine}
        </Text>
      ) : null}
      <Box flexDirection="column" marginTop={gap}>
        <RowList tree={tree} height={height} color={color} />
      </Box>
      <Box marginTop={gap} flexDirection="column">
        {rolloutText && !bare ? (
          <Text dimColor wrap={wrap}>
            {rolloutText}
          </Text>
        ) : null}
        <Footer tree={tree} confirm={confirm} color={color} />
      </Box>
    </Box>
  );
}

const MIN_TREE = 3;

/** Every target's security-relevant changes counted by class, and the colour of the most serious. */
function securityCounts(entries: readonly FleetPlanEntry[]) {
  const plans = entries.flatMap((e) => (e.plan ? [e.plan] : []));
  const counts = Object.fromEntries(
    IMPACTS.map((i) => [i, plans.reduce((n, p) => n + p.summary.impact[i], 0)]),
  ) as Plan["summary"]["impact"];
  const worst = IMPACTS.find((i) => i !== "neutral" && counts[i] > 0);
  return {
    counts,
    tone: worst ? IMPACT_TONE[worst] : undefined,
    targets: plans.filter((p) => IMPACTS.some((i) => i !== "neutral" && p.summary.impact[i] > 0))
      .length,
  };
}
