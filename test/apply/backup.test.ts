/** Backups are checked whole when read: what CreateWorkteam needs is there before any call. */
import { describe, expect, it } from "vitest";
import { type Backup, readBackup, writeBackup } from "../../src/apply/backup.ts";
import { UserError } from "../../src/errors.ts";
import { tempFile } from "../helpers/cli.ts";

// biome-ignore lint/suspicious/noExplicitAny: the tests damage the JSON at any depth
type Damageable = Record<string, any>;

function backup(): Backup {
  return {
    kind: "wfplan-backup",
    formatVersion: 1,
    region: "us-east-1",
    workforceName: "labelers",
    createdAt: "2026-11-30T00:00:00.000Z",
    workteams: [
      {
        workteam: {
          WorkteamName: "annotators",
          Description: "Image annotators",
          MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
          WorkteamArn: "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators",
        },
        tags: [{ Key: "team", Value: "annotators" }],
      },
    ],
  };
}

describe("readBackup", () => {
  it("reads what writeBackup wrote", () => {
    const file = tempFile("b.json", "");
    writeBackup(file, backup());
    expect(readBackup(file)).toEqual(backup());
  });

  it.each<[string, (b: Damageable) => void, string]>([
    [
      "no description",
      (b) => delete b.workteams[0].workteam.Description,
      "workteams[0].workteam.Description",
    ],
    [
      "no member definitions",
      (b) => (b.workteams[0].workteam.MemberDefinitions = []),
      "workteams[0].workteam.MemberDefinitions",
    ],
    [
      "an empty OIDC member definition",
      (b) => (b.workteams[0].workteam.MemberDefinitions = [{ OidcMemberDefinition: {} }]),
      "workteams[0].workteam.MemberDefinitions[0]",
    ],
    [
      "a workteam name the service refuses",
      (b) => (b.workteams[0].workteam.WorkteamName = "bad name"),
      "workteams[0].workteam.WorkteamName",
    ],
    ["tags that are not a list", (b) => (b.workteams[0].tags = { team: "x" }), "workteams[0].tags"],
    [
      "a tag without a key",
      (b) => (b.workteams[0].tags = [{ Value: "x" }]),
      "workteams[0].tags[0].Key",
    ],
    ["no region", (b) => delete b.region, "region"],
    ["another format version", (b) => (b.formatVersion = 2), "formatVersion"],
    ["workteams that are not a list", (b) => (b.workteams = {}), "workteams"],
  ])("refuses one with %s, naming the field", (_, damage, path) => {
    const doc = backup() as unknown as Damageable;
    damage(doc);
    const file = tempFile("b.json", JSON.stringify(doc));
    const error = (() => {
      try {
        readBackup(file);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a complete wfplan backup: ${path.replace(/[[\].]/g, "\\$&")}: .+; nothing was changed$`,
      ),
    );
  });

  it("refuses a file that is not a backup at all", () => {
    const file = tempFile("b.json", JSON.stringify({ kind: "wfplan-plan" }));
    expect(() => readBackup(file)).toThrow(`${file}: not a wfplan backup file`);
  });
});
