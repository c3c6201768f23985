// The two date formats the simulated API writes, from one clock reading (milliseconds since the epoch), always in UTC.

/** ISO 8601 in UTC to the second, as contacts' createdAt and webhook deliveries are written: "2026-11-25T01:02:03Z". */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Callbell's format for custom statuses' and the webhook's dates, "2024-12-04 14:12:14 +0100"; the simulator writes UTC (+0000). */
export function callbellTime(ms: number): string {
  return `${isoSeconds(ms).slice(0, 19).replace("T", " ")} +0000`;
}
