// Old stored stubs (the serialized provider of versions before 0.1) require this module by path and read
// `contactProvider`: it stays here for them, and only for them. The lifecycle is in domain/contact/lifecycle.ts, the
// host wiring in doors/dynamic/host.ts.
export { contactProvider } from "./host";
