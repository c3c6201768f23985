// A resource type's core (domain/resource-type.ts) as Pulumi's dynamic-provider host calls it: its answers in the
// shapes of @pulumi/pulumi/dynamic. Translation only; no rule of a resource type lives here.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ProviderContext, makeContactCore } from "../../domain/contact/lifecycle";
import type { ResourceCore } from "../../domain/resource-type";

type Operations = "check" | "diff" | "create" | "read" | "update" | "delete";
/** The operations the Pulumi dynamic-provider host calls. */
export type ContactProvider = Required<Pick<dynamic.ResourceProvider, Operations>> & {
  configure(req: dynamic.ConfigureRequest): Promise<void>;
};

/** A core's six operations as a dynamic provider. */
export function dynamicProviderOf(core: ResourceCore): ContactProvider {
  return {
    // Settings are read by the context; nothing to do per provider instance.
    configure: async () => undefined,
    check: async (olds, news) => {
      const { inputs, failures } = await core.check(olds ?? {}, news);
      return failures.length ? { inputs, failures } : { inputs };
    },
    diff: async (id, olds, news) => {
      const { changes, replaces, stables } = await core.diff(id, olds, news);
      return { changes, replaces, stables, deleteBeforeReplace: false };
    },
    create: async (news) => {
      const { id, state } = await core.create(news);
      return { id, outs: state };
    },
    read: async (id, props) => {
      const found = await core.read(id, props ?? {});
      return found ? { id: found.id, props: found.state, inputs: found.inputs } : { id: "" };
    },
    update: async (id, olds, news) => ({ outs: (await core.update(id, olds, news)).state }),
    delete: (id, props) => core.delete(id, props),
  };
}

/** A dynamic provider over a context (tests pass their own; the host uses the configured one): one run, six operations. */
export const makeContactProvider = (context: ProviderContext): ContactProvider => dynamicProviderOf(makeContactCore(context));
