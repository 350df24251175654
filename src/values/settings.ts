/**
 * What a region, an endpoint URL and a request timeout may be: checked for flags as they are
 * parsed (before anything else runs) and for the spec and the environment. Pure, and light: the
 * CLI's start-up loads it, so it must not load the SDK.
 */

export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const REGION_ALLOWED = "an AWS region such as us-east-1 or eu-central-1";

export const ENDPOINT_ALLOWED =
  "an http(s) URL such as https://api.sagemaker.us-east-1.amazonaws.com or http://127.0.0.1:4599";

/** Why a value is not an endpoint URL, or undefined when it is one. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "not an http(s) URL";
  if (url.username || url.password) return "a URL with credentials in it";
  return undefined;
}
