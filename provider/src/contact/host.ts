// The module every Contact's `__provider` text re-exports (resource.ts): the dynamic-provider host calls its
// `handler()` for the provider. Its path is part of every stored state, so it must never move.
import { contactProvider } from "./provider";

/** Returns the Contact provider; the host calls it once per distinct `__provider` text. */
export const handler = () => contactProvider;
