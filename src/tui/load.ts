/**
 * The one door to the interactive UI. Ink and React are the heaviest code wfplan has, so they load
 * only here, and only when a terminal will show them: never on the JSON, markdown or CI paths.
 *
 * In the built CLI this module is replaced (scripts/build.mjs): the UI is its own ES module,
 * dist/tui.js, which the launcher imports (the main bundle is CommonJS, see bin/wfplan.js).
 */
export function loadTui(): Promise<typeof import("./index.tsx")> {
  return import("./index.tsx");
}
