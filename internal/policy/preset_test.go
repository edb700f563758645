//go:build !presetgen

package policy

import (
	"crypto/sha256"
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/agentward/ward/internal/policy/presets"
)

// TestPresetsGenerated checks that presets_gen.go builds what Parse reads
// from every preset's YAML, so that editing a preset without running
// go generate fails.
func TestPresetsGenerated(t *testing.T) {
	t.Parallel()
	names := append([]string{presets.Builtin}, presets.Names()...)
	if got := generatedPresets(); !slices.Equal(got, names) {
		t.Fatalf("presets_gen.go has the presets %v, presets/ has %v; run go generate ./internal/policy/...", got, names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, _ := presets.Get(name)
			want, errs := Parse(Source{Layer: LayerBuiltin, Name: presets.FileName(name), Data: data})
			if errs != nil {
				t.Fatalf("presets/%s.yaml does not parse:\n%v", name, errs)
			}
			got := presetFile(name)
			if got == nil || got.preset != name {
				t.Fatalf("presetFile(%q) is not the generated preset; run go generate ./internal/policy/...", name)
			}
			// A generated File reads its lines from the embedded YAML
			// when it needs them; Parse keeps them.
			if lines := got.source(); !reflect.DeepEqual(lines, want.lines) {
				t.Errorf("preset %s: source() differs from the lines Parse keeps", name)
			}
			cp := *got
			cp.lines, cp.preset = cp.source(), ""
			if got := &cp; !reflect.DeepEqual(got, want) {
				t.Errorf("presets_gen.go differs from presets/%s.yaml at %s; run go generate ./internal/policy/...",
					name, firstDiff("File", reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()))
			}
		})
	}
	h := sha256.New()
	presets.WriteAll(h)
	if state, _ := h.(encoding.BinaryMarshaler).MarshalBinary(); string(state) != presetsHashState() {
		t.Errorf("presets_gen.go has a stale hash of the presets; run go generate ./internal/policy/...")
	}
	if f := presetFile("no-such-preset"); f != nil {
		t.Errorf("presetFile(no-such-preset) = %v, want nil", f.Name)
	}
}

// firstDiff names where two values that are not deeply equal first differ,
// and how.
func firstDiff(path string, a, b reflect.Value) string {
	if a.IsValid() != b.IsValid() || a.IsValid() && a.Type() != b.Type() {
		return fmt.Sprintf("%s (%v against %v)", path, a, b)
	}
	if !a.IsValid() {
		return ""
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return fmt.Sprintf("%s (nil: %v against %v)", path, a.IsNil(), b.IsNil())
			}
			return ""
		}
		return firstDiff(path, a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if d := firstDiff(path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s (length %d against %d)", path, a.Len(), b.Len())
		}
		for i := range a.Len() {
			if d := firstDiff(fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i)); d != "" {
				return d
			}
		}
		return ""
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return fmt.Sprintf("%s (%d entries against %d)", path, a.Len(), b.Len())
		}
		for _, k := range a.MapKeys() {
			if d := firstDiff(fmt.Sprintf("%s[%v]", path, k), a.MapIndex(k), b.MapIndex(k)); d != "" {
				return d
			}
		}
		return ""
	case reflect.String:
		if a.String() != b.String() {
			return fmt.Sprintf("%s (%q against %q)", path, a.String(), b.String())
		}
		return ""
	}
	if !a.Equal(b) {
		return fmt.Sprintf("%s (%v against %v)", path, a, b)
	}
	return ""
}
