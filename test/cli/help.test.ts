/** `--help` lists the environment variables the README documents, for the commands that use them. */
import { describe, expect, it } from "vitest";
import { wfplan } from "../helpers/cli.ts";

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
  (AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, ...).
`;

describe("--help: the environment", () => {
  it.each([[[]], [["plan"]], [["apply"]], [["import"]], [["targets"]], [["restore", "x"]]])(
    "wfplan %j --help ends with the environment variables, once",
    (cmd) => {
      const r = wfplan([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout.endsWith(ENVIRONMENT)).toBe(true);
      expect(r.stdout.split("WFPLAN_REQUEST_TIMEOUT")).toHaveLength(2);
    },
  );

  it("commands that make no AWS call do not list them", () => {
    for (const cmd of ["validate", "schema", "emulator"]) {
      const r = wfplan([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("WFPLAN_REQUEST_TIMEOUT");
    }
  });
});
