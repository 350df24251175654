/** An error answer of the API: its type (the `__type` / `x-amzn-errortype`), message and status. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const SIGNED = /^AWS4-HMAC-SHA256 Credential=[^,]+, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]+$/;

/**
 * What is wrong with a request's Authorization header, checked before anything else as every
 * service does: none, or not SigV4's form. The code is the query protocols'; AWS JSON services
 * add "Exception". Undefined for a well-formed header (the signature itself is not verified).
 */
export function signatureProblem(
  auth: string,
): { code: "MissingAuthenticationToken" | "IncompleteSignature"; message: string } | undefined {
  if (!auth) return { code: "MissingAuthenticationToken", message: "Missing Authentication Token" };
  if (SIGNED.test(auth)) return undefined;
  return {
    code: "IncompleteSignature",
    message:
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).",
  };
}
