// One Callbell contact declared from Go, and, when the stack's config names a folder (seedDir), the seed files
// contacts.common.yaml and contacts.<stack>.yaml of that folder as one ContactSet.
package main

import (
	"path/filepath"

	"github.com/pulumi-callbell/pulumi-callbell/sdk/go/callbell"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		name := cfg.Get("aliceName")
		if name == "" {
			name = "QA Alice"
		}
		alice, err := callbell.NewContact(ctx, "alice", &callbell.ContactArgs{
			Identifier: pulumi.String("393336000001"),
			Source:     pulumi.String("whatsapp"),
			Name:       pulumi.String(name),
			Tags:       pulumi.StringArray{pulumi.String("qa")},
		})
		if err != nil {
			return err
		}
		ctx.Export("uuid", alice.Uuid)

		if seedDir := cfg.Get("seedDir"); seedDir != "" {
			seed, err := callbell.NewContactSet(ctx, "seed", &callbell.ContactSetArgs{
				Files: pulumi.StringArray{
					pulumi.String(filepath.Join(seedDir, "contacts.common.yaml")),
					pulumi.String(filepath.Join(seedDir, "contacts."+ctx.Stack()+".yaml")),
				},
			})
			if err != nil {
				return err
			}
			ctx.Export("contacts", seed.Summary)
		}
		return nil
	})
}
