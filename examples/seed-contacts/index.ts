// The contacts each environment needs, declared from seed files: contacts.common.yaml for
// every stack, overlaid with contacts.<stack>.yaml. `pulumi preview --diff` on a pull request
// shows what an edit to those files will create, update or delete.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

export = async () => {
  const stack = pulumi.getStack();
  const seed = new callbell.ContactSet("seed", {
    files: [path.join(__dirname, "contacts.common.yaml"), path.join(__dirname, `contacts.${stack}.yaml`)],
  });
  // Per contact: name, uuid, href and createdAt, keyed by source-identifier.
  return { contacts: seed.summary };
};
