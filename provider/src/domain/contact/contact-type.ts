// The contact as the doors serve it (resource-type.ts): its token, its core, its computed outputs, the owner it takes
// from the URN, and its personal data, which goes back secret when it arrived secret.
import { contactToken } from "../../tokens";
import type { PropertySpec, ResourceType } from "../resource-type";
import { makeContactCore } from "./lifecycle";
import { maskInput } from "./personal-data";
import {
  computedNames,
  contactOutputNames,
  contactPropertySpecs,
  heldNames,
  inputNames,
  ownerInput,
  personalInputNames,
  personalOutputNames,
  requiredInputNames,
  requiredOutputNames,
} from "./shape";

const specsOf = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, (contactPropertySpecs as Record<string, PropertySpec>)[n]]));

/** callbell:index:Contact. */
export const contactResource: ResourceType = {
  token: contactToken,
  schema: {
    description: "A Callbell contact, created with POST /contacts and kept as declared. Adopted and imported contacts are never deleted.",
    inputProperties: specsOf(inputNames),
    requiredInputs: requiredInputNames,
    properties: specsOf([...contactOutputNames, ...heldNames]),
    required: requiredOutputNames,
  },
  core: makeContactCore,
  computedOutputs: computedNames,
  hiddenInputs: [ownerInput],
  // The mask goes on when any personal input arrived secret: then all of them, and every message, are masked.
  coreInputs(values, owner, secret) {
    const masked = values[maskInput] === true || personalInputNames.some((n) => secret.has(n)) || undefined;
    return { ...values, [ownerInput]: owner, [maskInput]: masked };
  },
  secretNames: (values, kind) => (values[maskInput] !== true ? [] : kind === "inputs" ? personalInputNames : personalOutputNames),
};
