//go:build tools

// Package tools pins actionlint, the GitHub Actions workflow linter that
// scripts/lint-workflows.sh builds and runs, as a build dependency of this project.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
