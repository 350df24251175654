/**
 * The tests Stryker runs against each mutant: those that run wfplan's code in this process (the
 * end-to-end tests run the built CLI, which a mutant of src/ does not change, so they could not
 * kill one).
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    exclude: [
      "test/e2e/apply.test.ts",
      "test/e2e/bad-input.test.ts",
      "test/e2e/edges.test.ts",
      "test/e2e/faults.test.ts",
      "test/e2e/plan.test.ts",
      "test/e2e/promise.test.ts",
      "test/e2e/secrets.test.ts",
      "test/e2e/terminal.test.ts",
      "test/e2e/package.test.ts",
      "test/cli/**",
      "test/action/**",
    ],
    testTimeout: 30_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", WFPLAN_MUTATION: "1" },
  },
});
