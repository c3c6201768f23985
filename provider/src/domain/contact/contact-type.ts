// The contact as the doors serve it (resource-type.ts): its token, its core, its computed outputs, the owner it takes
// from the URN, and its personal data, which goes back secret when it arrived secret.
import { contactToken } from "../../tokens";
import type { ResourceType } from "../resource-type";
import { makeContactCore } from "./lifecycle";
import { maskInput } from "./personal-data";
import { computedNames, ownerInput, personalInputNames, personalOutputNames } from "./shape";

/** callbell:index:Contact. */
export const contactResource: ResourceType = {
  token: contactToken,
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
