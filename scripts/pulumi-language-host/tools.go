//go:build tools

// Package tools pins the Node.js language host as a build dependency of this project.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
