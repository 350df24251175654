/**
 * Request validation driven by the public SageMaker service model (a copy of
 * ../shared/api/sagemaker-workforce-model.json), with the service's own message format:
 * "2 validation errors detected: Value 'x' at 'workforceName' failed to satisfy constraint: ...".
 */
import model from "./sagemaker-model.json" with { type: "json" };

interface Member {
  shape: string;
}
interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, Member>;
  member?: Member;
  key?: Member;
  value?: Member;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
}

const shapes = structuredClone(model.shapes) as unknown as Record<string, Shape>;
// A limit the API reference documents but the published model leaves out: "Maximum: Ten CIDR
// values" (UpdateWorkforce, SourceIpConfig). No minimum: the reference's "A list of one to ten
// worker IP address ranges" is contradicted by its own "By default, a workforce isn't restricted
// to specific IP addresses" and by the model, whose Cidrs has no `min`; an empty list is how a
// restriction is lifted (README, "The emulator": where the reference is ambiguous).
shapes.Cidrs!.max = 10;
const operations = model.operations as Record<string, { input: string; output: string }>;

/** Service patterns match whole values (as Java's `matches`), with Unicode classes. */
const patterns = new Map<string, RegExp>();
function patternOf(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) {
    re = new RegExp(`^(?:${p})$`, "u");
    patterns.set(p, re);
  }
  return re;
}

/** The service's messages for every constraint the input breaks; [] when it is valid. */
export function validateInput(operation: string, input: unknown): string[] {
  const op = operations[operation];
  if (!op) return [];
  const problems: string[] = [];
  check(op.input, input, "", problems);
  return problems;
}

/** An error type the model declares as an exception shape (with a Message member). */
export const isModeled = (type: string) => shapes[type]?.exception === true;

export function validationMessage(problems: string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${problems.join("; ")}`;
}

function check(shapeName: string, value: unknown, at: string, out: string[]): void {
  const shape = shapes[shapeName];
  if (!shape || value === undefined || value === null) return;
  const fail = (constraint: string): void => {
    out.push(
      `Value ${shape.sensitive ? "" : `${render(value)} `}at '${at}' failed to satisfy constraint: ${constraint}`,
    );
  };
  if (!hasType[shape.type]?.(value)) {
    fail(`Member must be of type ${shape.type}`);
    return;
  }
  switch (shape.type) {
    case "structure": {
      const obj = value as Record<string, unknown>;
      for (const req of shape.required ?? []) {
        if (obj[req] === undefined || obj[req] === null) {
          out.push(
            `Value null at '${join(at, lowerFirst(req))}' failed to satisfy constraint: Member must not be null`,
          );
        }
      }
      for (const [name, m] of Object.entries(shape.members ?? {})) {
        check(m.shape, obj[name], join(at, lowerFirst(name)), out);
      }
      return;
    }
    case "list": {
      const list = value as unknown[];
      lengthChecks(shape, list.length, fail);
      list.forEach((item, i) => {
        const where = `${at}.${i + 1}.member`;
        if (item === null || item === undefined) {
          out.push(
            `Value null at '${where}' failed to satisfy constraint: Member must not be null`,
          );
        } else check(shape.member!.shape, item, where, out);
      });
      return;
    }
    case "map": {
      const entries = Object.entries(value as Record<string, unknown>);
      lengthChecks(shape, entries.length, fail);
      for (const [k, v] of entries) {
        check(shape.key!.shape, k, `${at}.${k}.key`, out);
        check(shape.value!.shape, v, `${at}.${k}.value`, out);
      }
      return;
    }
    case "string": {
      const text = value as string;
      lengthChecks(shape, text.length, fail);
      if (shape.enum && !shape.enum.includes(text)) {
        fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      }
      if (shape.pattern && !patternOf(shape.pattern).test(text)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case "integer": {
      const n = value as number;
      if (shape.min !== undefined && n < shape.min)
        fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && n > shape.max)
        fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail("Member must be a boolean");
      return;
    case "timestamp":
      if (typeof value !== "number" && typeof value !== "string")
        fail("Member must be a timestamp");
      return;
  }
}

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
const hasType: Record<string, (v: unknown) => boolean> = {
  structure: isObject,
  map: isObject,
  list: Array.isArray,
  string: (v) => typeof v === "string",
  integer: Number.isInteger,
  boolean: (v) => typeof v === "boolean",
  timestamp: (v) => typeof v === "number" || typeof v === "string",
};

function lengthChecks(shape: Shape, length: number, fail: (c: string) => void): void {
  if (shape.min !== undefined && length < shape.min) {
    fail(`Member must have length greater than or equal to ${shape.min}`);
  }
  if (shape.max !== undefined && length > shape.max) {
    fail(`Member must have length less than or equal to ${shape.max}`);
  }
}

const join = (at: string, name: string) => (at ? `${at}.${name}` : name);
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function render(v: unknown): string {
  if (typeof v === "string") return `'${v}'`;
  return `'${JSON.stringify(v)}'`;
}
