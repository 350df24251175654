/**
 * An endpoint that is not SageMaker (a web server's HTML page, a 404): plan and import end with a
 * message naming the call, the endpoint and the HTTP status, saying the answer is not SageMaker's,
 * with a hint about the endpoint settings — never the SDK's own words, never a stack trace.
 */
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { spec, yaml } from "../builders.ts";
import { type RunResult, STACK_LINE, tempFile, wfplanAsync } from "../helpers/cli.ts";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A local HTTP server answering every request with `status`, `type` and `body`; its URL. */
async function answering(status: number, type: string | undefined, body: string) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(String(req.headers["x-amz-target"]));
    req.resume();
    req.on("end", () => {
      res.writeHead(status, type ? { "content-type": type } : {});
      res.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, requests };
}

const HINT =
  "  hint: check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER (or AWS_ENDPOINT_URL): it must be SageMaker's API, such as https://api.sagemaker.REGION.amazonaws.com, or a wfplan emulator\n";

/** None of the SDK's words, no stack trace. */
function clean(r: RunResult) {
  const all = r.stdout + r.stderr;
  expect(all).not.toContain("$response");
  expect(all).not.toContain("SyntaxError");
  expect(all).not.toContain("Deserialization");
  expect(all).not.toContain("UnknownError");
  expect(all).not.toMatch(STACK_LINE);
  expect(all).not.toMatch(/internal error/);
}

async function plan(url: string) {
  const file = tempFile("workforce.yaml", yaml({ region: "us-east-1", ...spec() }));
  return wfplanAsync(["plan", "-f", file, "--endpoint-url", url], {
    WFPLAN_OIDC_CLIENT_SECRET: "endpoint-secret",
  });
}

/** The one error line: the first call to fail may be either of the two reads. */
const errorLine = (url: string, answer: string) =>
  new RegExp(
    `^Error: (DescribeWorkforce|ListWorkteams): ${url.replace(/\./g, "\\.")} answered ${answer.replace(/[()]/g, "\\$&")}, not a SageMaker answer \\(AWS JSON\\)\\n`,
  );

describe("an endpoint that is not SageMaker", () => {
  it("a web page (HTML, 200): plan names the call, the endpoint and the status", async () => {
    const { url, requests } = await answering(
      200,
      "text/html; charset=utf-8",
      "<!DOCTYPE html><html><body>It works!</body></html>",
    );
    const r = await plan(url);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(errorLine(url, "HTTP 200 (text/html)"));
    expect(r.stderr.split("\n")[1]).toBe(HINT.trimEnd());
    expect(r.stderr.split("\n")).toHaveLength(3);
    clean(r);
    expect(requests.length).toBeGreaterThan(0);
  });

  it("a 404 page: plan names the call, the endpoint and the status", async () => {
    const { url } = await answering(404, "text/html", "<html><h1>Not Found</h1></html>");
    const r = await plan(url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(errorLine(url, "HTTP 404 (text/html)"));
    expect(r.stderr).toContain(HINT);
    clean(r);
  });

  it("a bare 404 with no body and no content type", async () => {
    const { url } = await answering(404, undefined, "");
    const r = await plan(url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(errorLine(url, "HTTP 404"));
    expect(r.stderr).toContain(HINT);
    clean(r);
  });

  it("an XML error from another service (403): import says so too", async () => {
    const { url } = await answering(
      403,
      "application/xml",
      "<Error><Code>AccessDenied</Code><Message>nope</Message></Error>",
    );
    const r = await wfplanAsync(["import", "--name", "labelers", "--endpoint-url", url], {
      AWS_REGION: "us-east-1",
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(errorLine(url, "HTTP 403 (application/xml)"));
    expect(r.stderr).toContain(HINT);
    clean(r);
  });

  it("AWS JSON cut short: says the answer could not be read, not that it is not SageMaker", async () => {
    const { url } = await answering(200, "application/x-amz-json-1.1", '{"Workteams": [');
    const r = await plan(url);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^Error: (DescribeWorkforce|ListWorkteams): the answer of ${url.replace(/\./g, "\\.")} \\(HTTP 200, application/x-amz-json-1\\.1\\) could not be read: it is cut short or malformed\n  hint: check --endpoint-url / AWS_ENDPOINT_URL_SAGEMAKER and the network\n$`,
      ),
    );
    clean(r);
  });
});
