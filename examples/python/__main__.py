"""One Callbell contact, declared from Python."""
import pulumi
import pulumi_callbell as callbell

alice = callbell.Contact(
    "alice",
    identifier="393333000001",
    source="whatsapp",
    name="QA Alice",
    tags=["qa"],
)

pulumi.export("uuid", alice.uuid)
