// Callbell contacts (WhatsApp CRM) as Pulumi resources. A contact delete is irreversible: adopted and imported contacts are never deleted.
package callbell
