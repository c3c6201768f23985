// A Pulumi program declaring one ContactSet from the seed files in the stack config `test:files`
// (absolute paths, merged in order), with `test:personalData` ("plain" or "secret").
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

export = async () => {
  const config = new pulumi.Config("test");
  const seed = new callbell.ContactSet("seed", {
    files: config.requireObject<string[]>("files"),
    personalData: (config.get("personalData") ?? "plain") as "plain" | "secret",
  });
  return { contacts: seed.summary };
};
