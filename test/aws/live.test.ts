/**
 * A missing workforce is told from a ValidationException by ListWorkforces, not by the message's
 * words. A narrow unit case with a stub client: the e2e test covers the emulator's other wording.
 */
import {
  DescribeWorkforceCommand,
  ListWorkforcesCommand,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { describeWorkforce } from "../../src/aws/live.ts";

function stub(listed: string[]) {
  const sent: string[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push((command as object).constructor.name);
      if (command instanceof DescribeWorkforceCommand) {
        throw Object.assign(new Error("Something about the request is wrong."), {
          name: "ValidationException",
        });
      }
      if (command instanceof ListWorkforcesCommand) {
        return { Workforces: listed.map((WorkforceName) => ({ WorkforceName })) };
      }
      throw new Error("unexpected call");
    },
  } as unknown as SageMakerClient;
  return { client, sent };
}

describe("a ValidationException from DescribeWorkforce", () => {
  it("means missing when ListWorkforces does not list the workforce (one extra call)", async () => {
    const { client, sent } = stub(["other"]);
    expect(await describeWorkforce(client, "labelers")).toBeNull();
    expect(sent).toEqual(["DescribeWorkforceCommand", "ListWorkforcesCommand"]);
  });

  it("is the error itself when the workforce is listed", async () => {
    const { client } = stub(["labelers"]);
    await expect(describeWorkforce(client, "labelers")).rejects.toThrow(
      "DescribeWorkforce: ValidationException: Something about the request is wrong.",
    );
  });
});
