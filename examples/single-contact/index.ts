// One contact with every input, as a reference. Run against the simulator:
//   CALLBELL_API_URL=http://127.0.0.1:4010/v1 CALLBELL_API_TOKEN=<token> pulumi up
import * as callbell from "pulumi-callbell";

export = async () => {
  const alice = new callbell.Contact(
    "qa-alice",
    {
      identifier: "393331000001", // phone number, country code first (whatsapp/telegram); replaces on change
      source: "whatsapp", // whatsapp | facebook | instagram | telegram; replaces on change
      name: "QA Alice",
      tags: ["qa", "vip"], // must exist in the account; case-insensitive
      customFields: {
        // fields must exist; values are strings, lists for checkboxes
        company: "Acme Dev",
        billing_email: "billing@acme-dev.example",
        seats: "12",
        renewal_date: "2027-01-31",
        plan: "pro",
        interests: ["whatsapp", "api"],
      },
      assignedUser: "alice@acme-dev.example", // a user of the account; removing it unassigns
      teamUuid: "7ea70000000000000000000000000002",
      channelUuid: "c4a00000000000000000000000000001", // default: the main channel of the source; replaces on change
      botStatus: "bot_end", // write-only
      note: "Seeded by pulumi-callbell.", // at most 1000 characters; removing it clears the note
      adopt: true, // take over an existing contact with this number instead of failing
    },
    // set protect: true (or retainOnDelete) where deletion must not happen
    { protect: false },
  );

  return { uuid: alice.uuid, href: alice.href, createdAt: alice.createdAt, phoneNumber: alice.phoneNumber };
};
