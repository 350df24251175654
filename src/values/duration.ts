/** Durations written as in Go and Terraform: 90s, 15m, 1h30m. */

/** How long apply may wait for the workforce (policy.waitTimeout, --timeout). */
export const WAIT_RANGE = { min: 1000, max: 24 * 3600 * 1000 };
/** The wait when neither policy.waitTimeout nor --timeout says. */
export const DEFAULT_WAIT = "15m";
export const WAIT_ALLOWED = "a duration from 1s to 24h, such as 90s, 15m or 1h30m";

export const DURATION_PATTERN = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Milliseconds of a duration such as "1h30m"; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  const [, h = "0", min = "0", s = "0"] = m;
  return ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts = [h ? `${h}h` : "", m ? `${m}m` : "", s || total === 0 ? `${s}s` : ""];
  return parts.join("");
}
