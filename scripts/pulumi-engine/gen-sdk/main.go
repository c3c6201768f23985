// Command pulumi-gen-sdk writes the Python or Go SDK of a package schema with Pulumi's own code generators
// (pkg/v3/codegen/python and codegen/go, the release the CLI is built from). The CLI's `package gen-sdk` asks the
// language host to do this, and the hosts that can be built here (sdk/v3 v3.68.0 and v3.60.0) predate that method.
//
//	pulumi-gen-sdk <python|go> <schema.json> <output folder>
//
// Go writes the package folder (callbell/...) under the output folder; Python writes the whole project.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-gen-sdk"

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "python" && os.Args[1] != "go") {
		fail(fmt.Errorf("usage: %s <python|go> <schema.json> <output folder>", tool))
	}
	language, schemaFile, out := os.Args[1], os.Args[2], os.Args[3]
	text, err := os.ReadFile(schemaFile)
	if err != nil {
		fail(err)
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(text, &spec); err != nil {
		fail(fmt.Errorf("%s: %w", schemaFile, err))
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		fail(err)
	}
	if diags.HasErrors() {
		fail(diags)
	}
	var files map[string][]byte
	if language == "go" {
		files, err = gogen.GeneratePackage(tool, pkg, nil)
	} else {
		files, err = python.GeneratePackage(tool, pkg, nil, nil)
	}
	if err != nil {
		fail(err)
	}
	for name, content := range files {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			fail(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
	os.Exit(1)
}
