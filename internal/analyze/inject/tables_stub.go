//go:build injectgen

package inject

// generated is empty in the build that writes tables_gen.go (go generate
// builds with the injectgen tag), so that the package builds while that
// file is stale or broken.
var generated tables

const generating = true
