import { CallbellProblem } from "../../problem";

// The error the Contact provider fails with: the engine shows its message as the step's failure.

/** An error Pulumi shows as is: one line naming the contact, no stack trace. */
export class ContactError extends CallbellProblem {
  /** Set when Callbell holds the contact although the operation failed, so Pulumi keeps it in state. */
  id?: string;
  properties?: Record<string, unknown>;
  reasons?: string[];
  /** Names of `properties` that stay secret (a masked contact's personal data). */
  secretNames?: readonly string[];

  constructor(message: string) {
    super(message);
  }
}
