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
