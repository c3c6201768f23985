"""The seed files of examples/seed-contacts, declared from Python: contacts.common.yaml overlaid with contacts.<stack>.yaml."""
import pulumi
import pulumi_callbell as callbell

stack = pulumi.get_stack()
seed = callbell.ContactSet(
    "seed",
    files=["../seed-contacts/contacts.common.yaml", f"../seed-contacts/contacts.{stack}.yaml"],
    personal_data=pulumi.Config().get("personalData") or "plain",
)

# Per contact: name, uuid, href and createdAt, keyed by source-identifier.
pulumi.export("contacts", seed.summary)
