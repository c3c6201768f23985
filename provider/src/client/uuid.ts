// What a Callbell uuid looks like: the one home of the pattern, for the client's answers, the input schema, seed keys
// and the export. A leaf.

/** A Callbell uuid: 32 lowercase hex characters. */
export const uuidPattern = /^[0-9a-f]{32}$/;

/** True for a Callbell uuid. */
export const isUuid = (value: unknown): value is string => typeof value === "string" && uuidPattern.test(value);
