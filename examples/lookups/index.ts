// Lookups: find a team, a channel and a contact of the account by name, title or number,
// and use their uuids, instead of copying uuids from the dashboard. Run against the simulator:
//   CALLBELL_API_URL=http://127.0.0.1:4010/v1 CALLBELL_API_TOKEN=<token> pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as callbell from "pulumi-callbell";

export = async () => {
  const support = await callbell.getTeam({ name: "Support" }); // fails naming the known teams if absent
  const salesLine = await callbell.getChannel({ source: "whatsapp", title: "WhatsApp Sales Line" });
  const mainWhatsapp = await callbell.getChannel({ source: "whatsapp" }); // without a title: the main channel

  const line = new callbell.Contact("qa-support-line", {
    identifier: "393334000001",
    source: "whatsapp",
    name: "QA Support Line",
    teamUuid: support.uuid,
    channelUuid: salesLine.uuid,
    assignedUser: support.members[0]?.email, // the email is a member's id
  });

  // Optional: read a contact someone made in the dashboard, e.g. to export its uuid.
  const number = new pulumi.Config().get("existingNumber");
  const existing = number ? await callbell.getContact({ identifier: number, source: "whatsapp" }) : undefined;

  return {
    supportTeam: support.uuid,
    supportMembers: support.members.map((m) => m.email),
    salesLine: salesLine.uuid,
    mainWhatsapp: mainWhatsapp.uuid,
    lineUuid: line.uuid,
    existingUuid: existing?.uuid,
  };
};
