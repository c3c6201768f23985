// Every Contact's `__provider` text requires this module by path (doors/typescript/resource.ts), and stored states keep
// that text, so this path never moves. The dynamic door lives in doors/dynamic/host.ts.
export * from "../doors/dynamic/host";
