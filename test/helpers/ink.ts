/**
 * Rendering Ink in tests: React's act() environment, so that a test reads the frame a key produced
 * once `act` returns, without waiting on time.
 */
import { afterEach, beforeEach } from "vitest";

/** Marks the tests of the enclosing describe as running in React's act() environment. */
export function actEnvironment(): void {
  const env = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
  beforeEach(() => {
    env.IS_REACT_ACT_ENVIRONMENT = true;
  });
  afterEach(() => {
    env.IS_REACT_ACT_ENVIRONMENT = undefined;
  });
}
