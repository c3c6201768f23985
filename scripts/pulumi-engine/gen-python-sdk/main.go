// Command pulumi-gen-python-sdk writes the Python SDK of a package schema with Pulumi's own Python code generator
// (pkg/v3/codegen/python, the release the CLI is built from). The CLI's `package gen-sdk --language python` asks the
// Python language host to do this, and the host that can be built here (sdk/v3 v3.68.0) predates that method.
//
//	pulumi-gen-python-sdk <schema.json> <output folder>
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

func main() {
	if len(os.Args) != 3 {
		fail(fmt.Errorf("usage: pulumi-gen-python-sdk <schema.json> <output folder>"))
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail(fmt.Errorf("%s: %w", os.Args[1], err))
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		fail(err)
	}
	if diags.HasErrors() {
		fail(diags)
	}
	files, err := python.GeneratePackage("pulumi-gen-python-sdk", pkg, nil, nil)
	if err != nil {
		fail(err)
	}
	for name, content := range files {
		path := filepath.Join(os.Args[2], name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-gen-python-sdk: %v\n", err)
	os.Exit(1)
}
