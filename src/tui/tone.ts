/** Ink's colours ignore NO_COLOR; components ask here, and get no colour when it is off. */
export type Tone = "red" | "green" | "yellow" | "magenta" | "cyan" | "gray";

export function tone(enabled: boolean) {
  return (name: Tone | undefined): Tone | undefined => (enabled ? name : undefined);
}
