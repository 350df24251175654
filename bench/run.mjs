#!/usr/bin/env node
/**
 * wfplan's benchmark: side by side in one run, against one local emulator (a separate process),
 *   - `wfplan plan --format json` (no terminal) vs `aws sagemaker describe-workforce`, wall time;
 *   - the first frame of the interactive review (in a pseudo-terminal) vs the same AWS CLI call;
 *   - peak memory of a plan, and of `validate` on the worst files of the largest size it accepts;
 *   - apply overhead: apply's wall time minus the emulator's configured update delay;
 *   - the same plan from the package installed from its tarball, against the checkout's;
 *   - fleets: a plan of 50 targets against an emulator answering each call after 100 ms, against a
 *     plan of one; an apply of 20 targets at once (2 s update delay) against an apply of one;
 *   - the preflight checks: a plan whose every check passes (a local OpenID provider over https,
 *     an SNS topic, a VPC: 7 checks) against the same plan with --no-preflight.
 * Prints medians and ratios. It reports; it never fails the build.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { build } from "esbuild";
import { LAUNCHER as BIN, startEmulatorProcess } from "../scripts/emulator.mjs";

// The SDK warns about Node 20 on import; wfplan silences it for its users, the benchmark too.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
const { CreateWorkforceCommand, CreateWorkteamCommand, SageMakerClient } = await import(
  "@aws-sdk/client-sagemaker"
);

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
// The baseline: the `aws` on PATH, or another one (BENCH_AWS=/usr/bin/aws for Debian's AWS CLI v2).
const AWS = process.env.BENCH_AWS ?? "aws";
const UPDATE_DELAY_MS = 2000;
const HOOK = resolve("bench/rss-hook.mjs");
const EXAMPLE = resolve("examples/minimal.yaml");
const work = mkdtempSync(join(tmpdir(), "wfplan-bench-"));
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_REGION: "us-east-1",
  AWS_PAGER: "",
  WFPLAN_OIDC_CLIENT_SECRET: "bench-secret",
  CI: "true",
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

function awsCli() {
  if (spawnSync(AWS, ["--version"]).status === 0) return true;
  if (process.getuid?.() === 0) {
    console.log("AWS CLI not found: installing Debian's awscli package …");
    spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
    spawnSync("apt-get", ["install", "-y", "-qq", "awscli"], { stdio: "ignore" });
  }
  return spawnSync(AWS, ["--version"]).status === 0;
}

function timed(cmd, args, extraEnv = {}) {
  const start = performance.now();
  const r = spawnSync(cmd, args, { env: { ...env, ...extraEnv }, encoding: "utf8" });
  return { ms: performance.now() - start, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same without blocking this process: for runs that talk to a server it serves itself. */
function timedAsync(cmd, args, extraEnv = {}) {
  return new Promise((done) => {
    const start = performance.now();
    const child = spawn(cmd, args, { env: { ...env, ...extraEnv } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => done({ ms: performance.now() - start, status, stdout, stderr }));
  });
}

const sagemaker = (url, region) =>
  new SageMakerClient({
    region,
    endpoint: url,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });

/** Workforce "labelers" with the identity provider and IP range of `spec(cidr)`'s specs. */
function createLabelers(client) {
  return client.send(
    new CreateWorkforceCommand({
      WorkforceName: "labelers",
      OidcConfig: {
        ClientId: "0oa1example",
        ClientSecret: "x",
        Issuer: "https://idp.example.com",
        AuthorizationEndpoint: "https://idp.example.com/oauth2/authorize",
        TokenEndpoint: "https://idp.example.com/oauth2/token",
        UserInfoEndpoint: "https://idp.example.com/oauth2/userinfo",
        LogoutEndpoint: "https://idp.example.com/logout",
        JwksUri: "https://idp.example.com/oauth2/keys",
      },
      SourceIpConfig: { Cidrs: ["10.0.0.0/16"] },
    }),
  );
}

function spec(cidr) {
  const file = join(work, `workforce-${cidr.replace(/[./]/g, "_")}.yaml`);
  writeFileSync(
    file,
    `version: 1
region: us-east-1
workforce:
  name: labelers
  oidcConfig:
    clientId: 0oa1example
    clientSecret: \${env:WFPLAN_OIDC_CLIENT_SECRET}
    issuer: https://idp.example.com
    authorizationEndpoint: https://idp.example.com/oauth2/authorize
    tokenEndpoint: https://idp.example.com/oauth2/token
    userInfoEndpoint: https://idp.example.com/oauth2/userinfo
    logoutEndpoint: https://idp.example.com/logout
    jwksUri: https://idp.example.com/oauth2/keys
  sourceIpConfig:
    cidrs: [${cidr}]
`,
  );
  return file;
}

/**
 * Packs this checkout (its dist/ as built) and installs the tarball twice into empty prefixes, as
 * `npm install -g` does: once as it is, once without the build's code cache (as on a Node other
 * than the packer's, whose V8 would refuse it). Returns the launchers and the second one's env.
 */
function installPackage() {
  const npm = (args) => {
    const r = spawnSync("npm", args, { encoding: "utf8", cwd: work });
    if (r.status !== 0) throw new Error(`npm ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const [{ filename }] = JSON.parse(
    npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work, resolve(".")]),
  );
  const launchers = ["shipped", "other"].map((name) => {
    const prefix = join(work, name);
    npm([
      "install",
      "-g",
      "--prefix",
      prefix,
      "--offline",
      "--no-audit",
      "--no-fund",
      join(work, filename),
    ]);
    return join(prefix, "lib", "node_modules", "wfplan", "bin", "wfplan.js");
  });
  rmSync(join(dirname(dirname(launchers[1])), "dist", "wfplan.cjs.cache"));
  return {
    shipped: launchers[0],
    other: launchers[1],
    otherEnv: { XDG_CACHE_HOME: join(work, "user-cache") },
  };
}

/** Milliseconds until the interactive review shows its prompt, in a pseudo-terminal. */
function firstFrame(url, file) {
  return new Promise((done) => {
    const { CI, ...ttyEnv } = env;
    const command = `stty cols 120 rows 40; ${process.execPath} ${BIN} apply -f ${file} --endpoint-url ${url}`;
    const start = performance.now();
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...ttyEnv, TERM: "xterm-256color" },
    });
    let out = "";
    let at;
    child.stdout.on("data", (d) => {
      out += stripVTControlCharacters(String(d));
      if (at === undefined && /Type yes and press Enter/.test(out)) {
        at = performance.now() - start;
        setTimeout(() => child.stdin.write("\u001b"), 100);
      }
    });
    child.on("close", () => done(at));
  });
}

async function main() {
  const hasAws = awsCli();
  const emu = await startEmulatorProcess({ updateDelayMs: UPDATE_DELAY_MS, env });
  const client = sagemaker(emu.url, "us-east-1");
  await createLabelers(client);
  for (const name of ["annotators", "reviewers"]) {
    await client.send(
      new CreateWorkteamCommand({
        WorkteamName: name,
        Description: name,
        MemberDefinitions: [{ OidcMemberDefinition: { Groups: [name] } }],
      }),
    );
  }
  const same = spec("10.0.0.0/16");
  const other = spec("10.1.0.0/16");
  const rssFile = join(work, "rss");

  const plan = [];
  const aws = [];
  const rss = [];
  const installed = installPackage();
  // The checks have a pair of their own below; these rows measure the plan itself, as before.
  const planArgs = [
    "plan",
    "-f",
    same,
    "--format",
    "json",
    "--endpoint-url",
    emu.url,
    "--no-preflight",
  ];
  // Installed from the tarball, as `npm install -g` does; "another Node" is the same package with
  // the build's cache removed, so its first run records one in the user's cache folder.
  const installedPlan = { shipped: [], recorded: [], first: [] };
  const planWith = (launcher, extraEnv = {}) => {
    const p = timed(process.execPath, [launcher, ...planArgs], extraEnv);
    if (p.status !== 0) throw new Error(`wfplan plan (${launcher}) failed: ${p.stderr}`);
    return p.ms;
  };
  for (let i = 0; i < RUNS; i++) {
    // The first run on that Node: it compiles without a cache and records one as it exits.
    rmSync(installed.otherEnv.XDG_CACHE_HOME, { recursive: true, force: true });
    installedPlan.first.push(planWith(installed.other, installed.otherEnv));
    plan.push(planWith(BIN));
    installedPlan.shipped.push(planWith(installed.shipped));
    installedPlan.recorded.push(planWith(installed.other, installed.otherEnv));
    // Memory in a run of its own: the hook that reads it is not part of the timed runs.
    timed(process.execPath, ["--import", HOOK, BIN, ...planArgs], {
      WFPLAN_BENCH_RSS_FILE: rssFile,
    });
    rss.push(Number(readFileSync(rssFile, "utf8")) / 1024);
    if (hasAws) {
      const a = timed(AWS, [
        "sagemaker",
        "describe-workforce",
        "--workforce-name",
        "labelers",
        "--endpoint-url",
        emu.url,
      ]);
      if (a.status !== 0) throw new Error(`aws failed: ${a.stderr}`);
      aws.push(a.ms);
    }
  }

  const preflight = await preflightPair(emu.url);
  const fleet = await fleetRuns();

  const frames = [];
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  for (let i = 0; hasScript && i < Math.min(RUNS, 5); i++)
    frames.push(await firstFrame(emu.url, other));

  const overhead = [];
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    const a = timed(
      process.execPath,
      [BIN, "apply", "-f", i % 2 ? same : other, "--auto-approve", "--endpoint-url", emu.url],
      {},
    );
    if (a.status !== 0) throw new Error(`wfplan apply failed: ${a.stderr}`);
    overhead.push(a.ms - UPDATE_DELAY_MS);
  }
  emu.stop();

  const rows = [];
  const awsMedian = hasAws ? median(aws) : undefined;
  rows.push([
    "aws sagemaker describe-workforce (baseline)",
    awsMedian === undefined ? "n/a (no AWS CLI)" : ms(awsMedian),
    "1.00×",
    "",
  ]);
  rows.push([
    "wfplan plan --format json, no terminal",
    ms(median(plan)),
    awsMedian ? `${(median(plan) / awsMedian).toFixed(2)}×` : "",
    "target ≤ 0.30×",
  ]);
  for (const [label, runs, note] of [
    ["the same, installed from the tarball (npm install -g)", installedPlan.shipped, "≈ 1.00×"],
    [
      "the same, installed, on a Node that recorded its own cache",
      installedPlan.recorded,
      "≈ 1.00×",
    ],
    ["  its first run there (compiles, then records the cache)", installedPlan.first, "once"],
  ]) {
    rows.push([
      label,
      ms(median(runs)),
      `${(median(runs) / median(plan)).toFixed(2)}×`,
      `of the checkout's plan; target ${note}`,
    ]);
  }
  if (frames.length) {
    rows.push([
      "first frame of the interactive review",
      ms(median(frames)),
      awsMedian ? `${(median(frames) / awsMedian).toFixed(2)}×` : "",
      "target ≤ 0.70×",
    ]);
  }
  const [without, withChecks] = preflight.map(median);
  rows.push([
    "plan with 7 passing preflight checks vs --no-preflight",
    `+${ms(withChecks - without)}`,
    `${(withChecks / without).toFixed(2)}×`,
    `${ms(withChecks)} vs ${ms(without)}; target ≤ +100 ms`,
  ]);
  rows.push([
    "fleet plan, 50 targets, 100 ms per call, vs 1 target",
    ms(median(fleet.plan50)),
    `${(median(fleet.plan50) / median(fleet.plan1)).toFixed(2)}×`,
    `${ms(median(fleet.plan1))} for one; target ≤ 3×; peak memory ${median(fleet.rss50).toFixed(0)} MiB (target ≤ 150 MiB)`,
  ]);
  rows.push([
    "fleet apply, 20 targets at once, 2 s update delay, vs 1",
    ms(median(fleet.apply20)),
    `${(median(fleet.apply20) / median(fleet.apply1)).toFixed(2)}×`,
    `${ms(median(fleet.apply1))} for one; target ≤ 1.5×`,
  ]);
  rows.push(["peak memory of a plan", `${median(rss).toFixed(0)} MiB`, "", "target ≤ 80 MiB"]);
  const peaks = validatePeaks();
  const [worst, worstMiB] = peaks.reduce((a, b) => (b[1] > a[1] ? b : a));
  rows.push([
    `peak memory of validate, worst 256 KiB file (${worst})`,
    `${worstMiB.toFixed(0)} MiB`,
    "",
    "target < 150 MiB",
  ]);
  // Time too: a worst file is refused about as fast as a good one is read (a quadratic pattern
  // once took 108 s on one long line).
  const example = median(
    Array.from({ length: 3 }, () => timed(process.execPath, [BIN, "validate", "-f", EXAMPLE]).ms),
  );
  const [slowest, , slowestMs] = peaks.reduce((a, b) => (b[2] > a[2] ? b : a));
  rows.push([
    `time of validate, slowest 256 KiB file (${slowest})`,
    `${(slowestMs / example).toFixed(2)}×`,
    `${ms(slowestMs)}; validate of examples/minimal.yaml ${ms(example)}`,
    "target ≤ 5×",
  ]);
  rows.push([
    `apply overhead over the ${UPDATE_DELAY_MS} ms update delay`,
    ms(median(overhead)),
    "",
    "target < 1000 ms",
  ]);
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(
    `\nwfplan benchmark · medians of ${RUNS} runs (first frame and apply: ${Math.min(RUNS, 5)}) · ${process.platform} ${process.arch} · Node ${process.version}`,
  );
  if (hasAws)
    console.log(
      `AWS CLI: ${spawnSync(AWS, ["--version"], { encoding: "utf8" }).stdout.trim() || spawnSync(AWS, ["--version"], { encoding: "utf8" }).stderr.trim()}`,
    );
  for (const r of rows)
    console.log(`  ${r[0].padEnd(width)}  ${r[1].padStart(16)}  ${r[2].padStart(6)}  ${r[3]}`);
}

/**
 * Fleets, each measure against its one-target counterpart in the same run: plans of 50 targets and
 * of 1 against an emulator that answers every call after 100 ms (50 regions of one account, each
 * with a workforce, the spec changing nothing), and applies of 20 targets at once and of 1, each
 * changing an IP range, against an emulator whose updates take 2 s.
 */
async function fleetRuns() {
  const out = { plan1: [], plan50: [], rss50: [], apply1: [], apply20: [] };
  const regions = (n) => Array.from({ length: n }, (_, i) => `xx-bench-${i + 1}`);
  const fleetFile = (name, n, cidr, concurrency) => {
    const file = join(work, name);
    const targets = regions(n)
      .map((r) => `  - region: ${r}`)
      .join("\n");
    writeFileSync(
      file,
      readFileSync(spec(cidr), "utf8").replace("region: us-east-1\n", "") +
        `targets:\n${targets}\npolicy:\n  rollout: { maxConcurrency: ${concurrency}, canary: 0 }\n`,
    );
    return file;
  };
  const seed = (url, rs) => Promise.all(rs.map((region) => createLabelers(sagemaker(url, region))));
  const run = (args, url, extra = {}) => {
    const r = timed(process.execPath, [BIN, ...args, "--endpoint-url", url, "--no-preflight"], {
      AWS_ENDPOINT_URL_STS: url,
      ...extra,
    });
    if (r.status !== 0 && r.status !== 2) throw new Error(`wfplan ${args[0]} failed: ${r.stderr}`);
    return r.ms;
  };

  const slow = await startEmulatorProcess({ latencyMs: 100, env });
  try {
    await seed(slow.url, regions(50));
    const one = fleetFile("fleet-1.yaml", 1, "10.0.0.0/16", 4);
    const fifty = fleetFile("fleet-50.yaml", 50, "10.0.0.0/16", 50);
    const rssFile = join(work, "rss-fleet");
    for (let i = 0; i < RUNS; i++) {
      out.plan1.push(run(["plan", "-f", one, "--format", "json"], slow.url));
      out.plan50.push(run(["plan", "-f", fifty, "--format", "json"], slow.url));
      timed(
        process.execPath,
        [
          "--import",
          HOOK,
          BIN,
          "plan",
          "-f",
          fifty,
          "--format",
          "json",
          "--endpoint-url",
          slow.url,
          "--no-preflight",
        ],
        { AWS_ENDPOINT_URL_STS: slow.url, WFPLAN_BENCH_RSS_FILE: rssFile },
      );
      out.rss50.push(Number(readFileSync(rssFile, "utf8")) / 1024);
    }
  } finally {
    slow.stop();
  }

  const updating = await startEmulatorProcess({ updateDelayMs: UPDATE_DELAY_MS, env });
  try {
    await seed(updating.url, regions(20));
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      // Each run moves every workforce to the other range, so each apply has an update to wait for.
      const cidr = i % 2 ? "10.0.0.0/16" : "10.9.0.0/16";
      const one = fleetFile(`fleet-apply-1-${i}.yaml`, 1, cidr, 1);
      const twenty = fleetFile(`fleet-apply-20-${i}.yaml`, 20, cidr, 20);
      out.apply1.push(run(["apply", "-f", one, "--auto-approve"], updating.url));
      out.apply20.push(run(["apply", "-f", twenty, "--auto-approve"], updating.url));
    }
  } finally {
    updating.stop();
  }
  return out;
}

/**
 * A plan with no changes whose every preflight check passes, timed with the checks and with
 * --no-preflight, pair by pair: in us-west-2, a workforce in a VPC whose identity provider is a
 * local one over https (src/emulator/oidc.ts, bundled here), and a workteam with an SNS topic
 * SageMaker may publish to. Returns [without, with] run times.
 */
async function preflightPair(url) {
  const region = "us-west-2";
  const topic = `arn:aws:sns:${region}:123456789012:labeling`;
  const vpc = { VpcId: "vpc-0a1b2c", SecurityGroupIds: ["sg-0a1"], Subnets: ["subnet-0a1"] };
  const providerModule = join(work, "oidc.mjs");
  await build({
    entryPoints: ["src/emulator/oidc.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: providerModule,
    logLevel: "warning",
    // Its dependencies call require(): give the ES module one.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
  });
  const { startOidcProvider } = await import(providerModule);
  const idp = await startOidcProvider({ path: "/oauth2/default" });
  const o = idp.oidcConfig;
  const client = sagemaker(url, region);
  await client.send(
    new CreateWorkforceCommand({
      WorkforceName: "labelers",
      OidcConfig: { ClientId: "0oa1example", ClientSecret: "x", ...idp.oidcWire },
      WorkforceVpcConfig: vpc,
    }),
  );
  await client.send(
    new CreateWorkteamCommand({
      WorkteamName: "annotators",
      Description: "annotators",
      MemberDefinitions: [{ OidcMemberDefinition: { Groups: ["annotators"] } }],
      NotificationConfiguration: { NotificationTopicArn: topic },
    }),
  );
  const policy = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "sagemaker.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
      },
    ],
  });
  const seeded = await fetch(`${url}/_emulator/references`, {
    method: "POST",
    body: JSON.stringify({
      topics: [{ arn: topic, policy }],
      vpcs: [{ id: vpc.VpcId, region, dnsSupport: true, dnsHostnames: true }],
      subnets: [{ id: "subnet-0a1", vpcId: vpc.VpcId, region }],
      securityGroups: [{ id: "sg-0a1", vpcId: vpc.VpcId, region }],
    }),
  });
  if (!seeded.ok) throw new Error(`seeding the references failed: ${await seeded.text()}`);
  const file = join(work, "workforce-preflight.yaml");
  writeFileSync(
    file,
    `version: 1
region: ${region}
workforce:
  name: labelers
  oidcConfig:
    clientId: 0oa1example
    clientSecret: \${env:WFPLAN_OIDC_CLIENT_SECRET}
    issuer: ${o.issuer}
    authorizationEndpoint: ${o.authorizationEndpoint}
    tokenEndpoint: ${o.tokenEndpoint}
    userInfoEndpoint: ${o.userInfoEndpoint}
    logoutEndpoint: ${o.logoutEndpoint}
    jwksUri: ${o.jwksUri}
  workforceVpcConfig: { vpcId: ${vpc.VpcId}, securityGroupIds: [sg-0a1], subnets: [subnet-0a1] }
workteams:
  - name: annotators
    description: annotators
    memberDefinitions: [{ oidcMemberDefinition: { groups: [annotators] } }]
    notificationConfiguration: { notificationTopicArn: "${topic}" }
`,
  );
  const checksEnv = { NODE_EXTRA_CA_CERTS: idp.caFile, AWS_ENDPOINT_URL: url };
  const args = ["plan", "-f", file, "--format", "json", "--endpoint-url", url];
  const pairs = [[], []];
  try {
    for (let i = 0; i < RUNS; i++) {
      // Asynchronously: the identity provider answers from this process.
      const off = await timedAsync(process.execPath, [BIN, ...args, "--no-preflight"], checksEnv);
      const on = await timedAsync(process.execPath, [BIN, ...args], checksEnv);
      const results = JSON.parse(on.stdout).preflight.map((r) => r.status);
      if (off.status !== 0 || on.status !== 0 || results.some((s) => s !== "pass")) {
        throw new Error(`the preflight plan did not pass: ${results} ${on.stderr}`);
      }
      pairs[0].push(off.ms);
      pairs[1].push(on.ms);
    }
  } finally {
    await idp.stop();
  }
  return pairs;
}

/**
 * The worst inputs `validate` accepts to read (each just under the spec size limit): tens of
 * thousands of unknown keys, of invalid list items, of broken workteams, of repeated keys, one
 * huge value, one long key, and nesting past the limit. Returns the name, peak memory (MiB) and
 * time (ms) of each.
 */
function validatePeaks() {
  const limit = 256 * 1024 - 64;
  const fill = (head, unit) => head + unit.repeat(Math.floor((limit - head.length) / unit.length));
  const head = "version: 1\nworkforce:\n  name: labelers\n";
  const inputs = {
    "unknown keys": fill(head, "  kx: 1\n").replace(
      /kx/g,
      () => `k${Math.random().toString(36).slice(2, 7)}`,
    ),
    "invalid CIDRs": `${fill(`${head}  sourceIpConfig:\n    cidrs: [`, "999.1.1.1/40, ")}1.1.1.1/8]\n`,
    "broken workteams": fill(
      `${head}workteams:\n`,
      "  - {name: -bad, description: '', memberDefinitions: [], bogus: 1}\n",
    ),
    "repeated keys": fill(head, "  name: x\n"),
    "one huge value": `${head.slice(0, -9)}name: ${"a".repeat(limit - 40)}\n`,
    "deep nesting": fill(`${head}  oidcConfig: `, "["),
    "nesting just under the limit, line after line": fill(
      head,
      `  k: ${"[".repeat(31)}${"]".repeat(31)}\n`,
    ).replace(/ {2}k:/g, () => `  k${Math.random().toString(36).slice(2, 7)}:`),
    "keys that are mappings": `${head}  ${"{".repeat(30)}x: 1${"}: 1".repeat(30)}: 1\n`,
    "empty lists, line after line": fill("", "[]\n"),
    "a long flow list": `${fill(`${head}  a: [`, "1, ")}1]\n`,
    "one long key": `${head}  ${"k".repeat(limit - head.length - 10)}: x\n`,
    "one word of secret-secret-…": `${head.slice(0, -9)}name: ${"secret-".repeat(Math.floor((limit - 40) / 7))}\n`,
    "one long line of a secret key": `${head}  clientSecretx${"k".repeat(limit - head.length - 30)}: x\n`,
  };
  const rssFile = join(work, "rss-validate");
  return Object.entries(inputs).map(([name, text]) => {
    const file = join(work, `worst-${name.replace(/ /g, "-")}.yaml`);
    writeFileSync(file, text);
    const { ms: took } = timed(process.execPath, ["--import", HOOK, BIN, "validate", "-f", file], {
      WFPLAN_BENCH_RSS_FILE: rssFile,
    });
    return [name, Number(readFileSync(rssFile, "utf8")) / 1024, took];
  });
}

main().catch((e) => {
  console.error(`benchmark failed: ${e.message}`);
  process.exitCode = 1;
});
