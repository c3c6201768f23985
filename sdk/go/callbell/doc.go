// Callbell (WhatsApp CRM) as Pulumi resources: contacts, custom statuses and the account's webhook. A contact or status delete is irreversible: adopted and imported ones are never deleted.
package callbell
