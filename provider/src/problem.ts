// The root of every error a user of this package sees: the client's (client/errors.ts), a setting's (config.ts), a
// contact's (domain/contact/error.ts), a lookup's (domain/lookups.ts), a seed file's (doors/seed/seed-file.ts) and the CLI's usage errors.
// A leaf: it imports nothing, so every layer may extend it.

/** How an error prints where a stack would go: its message alone, or "<class name>: <message>". */
export type Shown = "message" | "named";

/** An error whose message is a whole sentence naming the problem and the fix: it is shown as is, never with a stack trace. */
export class CallbellProblem extends Error {
  constructor(message: string, shown: Shown = "message") {
    super(message);
    this.name = new.target.name;
    // Pulumi prints `error.stack` for a failed program or provider call: a trace would only bury the sentence.
    this.stack = shown === "named" ? `${this.name}: ${message}` : message;
  }
}
