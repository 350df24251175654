/** Secret references as written in a spec: `${env:NAME}` or `${file:PATH}`. Pure. */

export const SECRET_REF_PATTERN = /^\$\{(?:env:[A-Za-z_][A-Za-z0-9_]*|file:[^}]+)\}$/;

export type SecretRef = { kind: "env"; name: string } | { kind: "file"; path: string };

export function parseSecretRef(text: string): SecretRef | undefined {
  if (!SECRET_REF_PATTERN.test(text)) return undefined;
  const body = text.slice(2, -1);
  return body.startsWith("env:")
    ? { kind: "env", name: body.slice(4) }
    : { kind: "file", path: body.slice(5) };
}

export function formatSecretRef(ref: SecretRef): string {
  return ref.kind === "env" ? `\${env:${ref.name}}` : `\${file:${ref.path}}`;
}
