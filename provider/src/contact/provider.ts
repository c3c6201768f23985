// Old stored stubs (the serialized provider of versions before 0.1) require this module by path and read
// `contactProvider`: it stays here for them, and only for them. The lifecycle is in lifecycle.ts, the host wiring in
// host.ts.
export { contactProvider } from "./host";
