// Package presets embeds ward's built-in protections and the policy
// presets a layer can extend: standard, strict and paranoid.
package presets

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Builtin is the name of the built-in protections, which every policy
// includes and no layer can change.
const Builtin = "builtin"

// Get returns the YAML of a preset, or of the built-in protections.
func Get(name string) ([]byte, bool) {
	if strings.ContainsAny(name, "/.\\") || name == "" {
		return nil, false
	}
	b, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, false
	}
	return b, true
}

// Names lists the presets a layer can extend, sorted.
func Names() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".yaml")
		if name != Builtin {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// WriteAll writes the name, size and content of the built-in protections
// and of every preset, in a fixed order, to w: what a policy's digest
// covers of ward's own policy.
func WriteAll(w io.Writer) {
	for _, name := range append([]string{Builtin}, Names()...) {
		data, _ := Get(name)
		fmt.Fprintf(w, "preset %s %d\n", name, len(data))
		w.Write(data)
	}
}

// FileName is how errors and traces name a preset's file.
func FileName(name string) string {
	return "preset:" + name
}
