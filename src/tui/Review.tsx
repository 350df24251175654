/**
 * The plan review screen: blockers and warnings first, destructive steps highlighted, the plan as a
 * tree (keys in tree.tsx), the summary, and the confirmation.
 * Presentational: props in, callbacks out.
 */
import { Box, Text } from "ink";
import { hasChanges } from "../core/questions.ts";
import type { Plan } from "../core/types.ts";
import {
  IMPACT_TONE,
  impactCountLine,
  impactMark,
  NO_CHANGES,
  noteText,
  preflightLine,
  SECURITY_TITLE,
  statusLine,
  summaryLine,
  unmanagedLine,
} from "../render/describe.ts";
import { cutToFit, heightOf, linesThatFit, type Size } from "./layout.ts";
import { buildRows, STEPS_KEY, securityLines } from "./rows.ts";
import { tone } from "./tone.ts";
import { Footer, footerHeight, type ReviewOutcome, RowList, useTree, WholeRow } from "./tree.tsx";

export type { ReviewOutcome };

export interface ReviewProps {
  plan: Plan;
  /** Ask for confirmation (apply); without it the screen only shows the plan (plan). */
  confirm: boolean;
  color: boolean;
  onDone: (outcome: ReviewOutcome) => void;
  /** Rows the tree may use; by default what the window leaves it. */
  height?: number;
  /** The window's size; by default the terminal's, kept current as it is resized. */
  size?: Size;
}

export function Review({ plan, confirm, color, onDone, height, size }: ReviewProps) {
  const paint = tone(color);
  const tree = useTree({
    rowsOf: (expanded) => buildRows(plan, expanded),
    // A short plan opens whole; a long one starts folded, one line per resource.
    initiallyExpanded:
      plan.resources.length <= 3
        ? [...plan.resources.map((r) => `${r.type}:${r.name}`), STEPS_KEY]
        : [],
    confirm,
    onDone,
    ...(size && { size }),
  });
  if (tree.whole) return <WholeRow {...tree.whole} />;

  const layout = layoutOf(plan, tree.size, tree.answer, confirm);
  const shownSecurity = layout.security;
  const gap = layout.compact ? 0 : 1;

  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        wfplan · workforce "{plan.workforceName}" · {plan.region}
      </Text>
      {statusLine(plan) ? <Text color={paint("yellow")}>{statusLine(plan)}</Text> : null}
      {plan.blockers.map((b) => (
        <Box key={b.code + b.message} flexDirection="column" marginTop={gap}>
          <Text color={paint("red")}>✗ Blocked: {noteText(b)}</Text>
          {b.hint ? <Text dimColor> hint: {b.hint}</Text> : null}
        </Box>
      ))}
      {plan.warnings.map((w) => (
        <Text key={w.message} color={paint("yellow")}>
          ! {noteText(w)}
        </Text>
      ))}
      {layout.compact && layout.securityTotal > 0 ? (
        <Text bold color={paint(layout.securityTone)} wrap="truncate-end">
          {impactCountLine(plan)}
        </Text>
      ) : null}
      {!layout.compact && layout.securityTotal > 0 ? (
        <Box
          flexDirection="column"
          borderStyle="round"
          borderColor={paint(layout.securityTone)}
          paddingX={1}
          marginTop={1}
        >
          <Text bold color={paint(layout.securityTone)} wrap="truncate-end">
            {securityTitle(plan)}
          </Text>
          {shownSecurity.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in a fixed list
            <Text key={i} wrap="truncate-end">
              - <Text color={paint(IMPACT_TONE[line.impact])}>{impactMark(line.impact)}</Text>{" "}
              {cutToFit(line.text, tree.size.columns - 7 - impactMark(line.impact).length)}
            </Text>
          ))}
          {shownSecurity.length < layout.securityTotal ? (
            <Text wrap="truncate-end">
              … and {layout.securityTotal - shownSecurity.length} more (each is in the plan below)
            </Text>
          ) : null}
        </Box>
      ) : null}
      <Box flexDirection="column" marginTop={gap}>
        {!hasChanges(plan) ? <Text color={paint("green")}>{NO_CHANGES}</Text> : null}
        <RowList tree={tree} height={height ?? layout.tree} color={color} />
      </Box>
      {hasChanges(plan) ? (
        <Box marginTop={gap}>
          <Text bold>{summaryLine(plan)}</Text>
        </Box>
      ) : null}
      {preflightLine(plan) ? <Text dimColor>{preflightLine(plan)}</Text> : null}
      {unmanagedLine(plan) && !layout.compact ? <Text dimColor>{unmanagedLine(plan)}</Text> : null}
      <Footer tree={tree} confirm={confirm} color={color} />
    </Box>
  );
}

/** The security section's title; when it deletes workteams, that each is backed up first. */
const securityTitle = (plan: Plan) =>
  plan.summary.impact.destructive > 0
    ? `${SECURITY_TITLE} (deleted workteams are backed up first)`
    : SECURITY_TITLE;

/**
 * The frame's budget: everything but the tree takes the rows it needs (wrapped at the window's
 * width) and the tree takes the rest, so the frame is always shorter than the window. The list of
 * security-relevant changes takes at most half of what the tree can spare. In a window too small
 * for that, the frame is compact: no blank lines, the security-relevant changes counted in one
 * line, and the unmanaged fields left to the record printed after the review.
 */
function layoutOf(plan: Plan, size: Size, answer: string, confirm: boolean) {
  const columns = Math.max(20, size.columns);
  const h = (text: string) => heightOf(text, columns);
  const all = securityLines(plan);
  const securityTone = all[0] ? IMPACT_TONE[all[0].impact] : undefined;
  const unmanaged = unmanagedLine(plan);
  const preflight = preflightLine(plan);
  const needs = (compact: boolean) => {
    const gap = compact ? 0 : 1;
    let rows = 1; // the header
    const status = statusLine(plan);
    if (status) rows += h(status);
    for (const b of plan.blockers) {
      rows += gap + h(`✗ Blocked: ${noteText(b)}`) + (b.hint ? h(` hint: ${b.hint}`) : 0);
    }
    for (const w of plan.warnings) rows += h(`! ${noteText(w)}`);
    if (all.length > 0) rows += compact ? h(impactCountLine(plan) ?? "") : gap + 2 + 1; // margin, border, title
    rows += gap + 2; // the tree's margin, and the arrows that say it goes on
    rows += hasChanges(plan) ? gap + h(summaryLine(plan)) : 1;
    if (preflight) rows += h(preflight);
    if (unmanaged && !compact) rows += h(unmanaged);
    rows += footerHeight(confirm, answer, columns);
    // One row stays free: a frame as tall as the window makes Ink clear the screen.
    return size.rows - 1 - rows;
  };
  const free = needs(false);
  const compact = free - (all.length > 0 ? 1 : 0) < MIN_TREE;
  if (compact) {
    return {
      columns,
      compact,
      securityTotal: all.length,
      securityTone,
      security: [],
      tree: Math.max(1, needs(true)),
    };
  }
  const room = Math.floor((free - MIN_TREE) / 2);
  const shown = all.length === 0 ? 0 : Math.max(1, linesThatFit(all.length, room));
  return {
    columns,
    compact,
    securityTotal: all.length,
    securityTone,
    security: all.slice(0, shown),
    tree: Math.max(MIN_TREE, free - shown - (shown < all.length ? 1 : 0)),
  };
}

const MIN_TREE = 3;
