// Pulumi's property values on the wire (google.protobuf.Struct) to plain objects and back. Secrets travel as objects
// with a signature key; the core sees plain values, and the names of the properties that were secret are kept here so
// their outputs go back secret. Unknown values stay the string the core already knows (normalize.ts unknownValue).
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** The key that marks a special value, and the signature of a secret (Pulumi's sdk/go/common/resource/properties). */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

/** Plain properties, and the top-level names whose value (or anything inside it) was secret. */
export interface Unwrapped {
  props: Record<string, unknown>;
  secrets: Set<string>;
}

const isSecret = (value: unknown): value is { value: unknown } =>
  typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === secretSig;

// The value without its secret wrappers, and whether there was one.
function strip(value: unknown): { value: unknown; secret: boolean } {
  if (isSecret(value)) return { value: strip(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(strip);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value && typeof value === "object") {
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = strip(v);
      out[k] = s.value;
      secret ||= s.secret;
    }
    return { value: out, secret };
  }
  return { value, secret: false };
}

/** A Struct from the engine as plain properties, noting which were secret. */
export function unwrap(struct: Struct | undefined): Unwrapped {
  const secrets = new Set<string>();
  const props: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(struct?.toJavaScript() ?? {})) {
    const { value, secret } = strip(raw);
    props[key] = value;
    if (secret) secrets.add(key);
  }
  return { props, secrets };
}

/** A secret value as the engine expects it. */
export const secret = (value: unknown): Record<string, unknown> => ({ [sigKey]: secretSig, value });

/** Plain properties as a Struct, the named ones secret; undefined values are left out. */
export function wrap(props: Record<string, unknown>, secrets: Iterable<string> = []): Struct {
  const hidden = new Set(secrets);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    out[key] = hidden.has(key) ? secret(value) : value;
  }
  return Struct.fromJavaScript(out as Parameters<typeof Struct.fromJavaScript>[0]);
}
