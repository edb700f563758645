package policy

import (
	"crypto/sha256"
	"encoding"
	"hash"
	"strings"

	"github.com/agentward/ward/internal/policy/presets"
)

// The presets (presets/*.yaml) are what people read and edit; a process
// that loads the policy does not parse them. presetgen writes each one as
// Go code that builds the File Parse would return (presets_gen.go), and
// TestPresetsGenerated fails when the two differ.
//
//go:generate go run -tags presetgen ./internal/presetgen -o presets_gen.go

// loadPreset returns the File of a preset, or of the built-in protections,
// and records it among the compiled files; false when there is no preset
// of that name. The File is nil when the preset does not parse, which can
// happen only in presetgen's own build, which parses the YAML.
func (c *compiler) loadPreset(name string) (*File, bool) {
	if f := presetFile(name); f != nil {
		c.files[f.Name] = f
		return f, true
	}
	data, ok := presets.Get(name)
	if !ok {
		return nil, false
	}
	return c.parseOne(Source{Layer: LayerBuiltin, Name: presets.FileName(name), Data: data}), true
}

// presetsHash returns a SHA-256 that has read the embedded presets
// (presets.WriteAll), as a policy's digest begins. It resumes from the
// state presetgen saved instead of hashing the YAML again.
func presetsHash() hash.Hash {
	h := sha256.New()
	if s := presetsHashState(); s != "" && h.(encoding.BinaryUnmarshaler).UnmarshalBinary([]byte(s)) == nil {
		return h
	}
	h.Reset()
	presets.WriteAll(h)
	return h
}

// source returns the lines of the file, for excerpts in errors and for
// mapping conditions' offsets to lines and columns. A generated preset's
// lines are split from its YAML only then: errors in presets are rare.
func (f *File) source() []string {
	if f.lines != nil || f.preset == "" {
		return f.lines
	}
	data, _ := presets.Get(f.preset)
	return strings.Split(string(data), "\n")
}

// excerpt returns line n (1-based) of the file, or "" when there is none.
func (f *File) excerpt(n int) string {
	lines := f.source()
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}
