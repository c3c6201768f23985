"""The account's custom statuses and webhook, and one contact, declared from Python."""
import pulumi
import pulumi_callbell as callbell

config = pulumi.Config()

lunch = callbell.CustomStatus("lunch", name="Lunch", emoji=config.get("lunchEmoji") or "🍙")
meeting = callbell.CustomStatus(
    "meeting",
    name="In meeting",
    emoji="💬",
    adopt=config.get_bool("adoptMeeting") or False,
)
hook = callbell.Webhook(
    "hook",
    url=config.require("receiverUrl"),
    subscriptions=["contact_created", "contact_updated", "contact_deleted"],
    # This stack owns the account's one webhook: replace whatever is set, and remove it on destroy.
    adopt=True,
    unsubscribe_on_delete=True,
)
alice = callbell.Contact(
    "alice",
    identifier="393334000031",
    source="whatsapp",
    name="QA Alice",
    opts=pulumi.ResourceOptions(depends_on=[hook]),
)

pulumi.export("lunchId", lunch.id)
pulumi.export("webhookEnabled", hook.enabled)
