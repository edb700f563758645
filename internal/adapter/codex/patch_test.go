package codex_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/adapter"
	"github.com/agentward/ward/internal/adapter/codex"
)

func TestParsePatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		patch string
		want  []codex.PatchFile
		why   string
	}{
		{"add", "*** Begin Patch\n*** Add File: a.txt\n+one\n+two\n*** End Patch\n",
			[]codex.PatchFile{{Path: "a.txt", Op: "add", Added: "one\ntwo"}}, "an added file is its + lines"},
		{"update keeps only added lines", "*** Begin Patch\n*** Update File: b.go\n@@ func f() {\n ctx\n-old\n+new\n*** End of File\n*** End Patch",
			[]codex.PatchFile{{Path: "b.go", Op: "update", Added: "new"}}, "context and removed lines write nothing"},
		{"move", "*** Begin Patch\n*** Update File: a\n*** Move to: b\n+x\n*** End Patch",
			[]codex.PatchFile{{Path: "a", Op: "move", To: "b", Added: "x"}}, "a rename names both files"},
		{"delete", "*** Begin Patch\n*** Delete File: c\n+ignored\n*** End Patch",
			[]codex.PatchFile{{Path: "c", Op: "delete"}}, "a deleted file has no content"},
		{"several files in order", "*** Begin Patch\n*** Add File: z\n+1\n*** Delete File: y\n*** Update File: x\n+2\n*** End Patch",
			[]codex.PatchFile{{Path: "z", Op: "add", Added: "1"}, {Path: "y", Op: "delete"}, {Path: "x", Op: "update", Added: "2"}},
			"every file, in the patch's order"},
		{"CRLF and indentation", "\r\n  *** Begin Patch\r\n  *** Add File:  dir/a b.txt \r\n+x\r\n*** End Patch\r\n",
			[]codex.PatchFile{{Path: "dir/a b.txt", Op: "add", Added: "x"}}, "leniency only adds what ward sees"},
		{"no End Patch", "*** Begin Patch\n*** Add File: a\n+x",
			[]codex.PatchFile{{Path: "a", Op: "add", Added: "x"}}, "a cut patch is still judged by what it has"},
		{"headers after End Patch count", "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\n*** Add File: b\n+y\n",
			[]codex.PatchFile{{Path: "a", Op: "add", Added: "x"}, {Path: "b", Op: "add", Added: "y"}},
			"a second envelope must not hide a file"},
		{"an added line that looks like a header", "*** Begin Patch\n*** Add File: a\n+*** Delete File: b\n*** End Patch",
			[]codex.PatchFile{{Path: "a", Op: "add", Added: "*** Delete File: b"}}, "+ lines are content, whatever they say"},
		{"empty added lines", "*** Begin Patch\n*** Add File: a\n+\n+\n*** End Patch",
			[]codex.PatchFile{{Path: "a", Op: "add", Added: "\n"}}, "blank lines are kept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := codex.ParsePatch(tt.patch)
			if err != nil {
				t.Fatalf("ParsePatch: %v (%s)", err, tt.why)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", tt.why, got, tt.want)
			}
			if !reflect.DeepEqual(codex.PatchFiles(tt.patch), tt.want) {
				t.Errorf("PatchFiles differs from ParsePatch")
			}
		})
	}
}

func TestBadPatches(t *testing.T) {
	t.Parallel()
	many := "*** Begin Patch\n" + strings.Repeat("*** Delete File: f\n", codex.MaxPatchFiles+1)
	tests := []struct {
		name, patch, code, why string
	}{
		{"no envelope", "--- a/x\n+++ b/x\n@@\n+y\n", "unknown_shape", "a unified diff is not what apply_patch reads"},
		{"empty", "", "unknown_shape", "nothing is not a patch"},
		{"no files", "*** Begin Patch\n*** End Patch\n", "unknown_shape", "a patch that changes nothing is malformed"},
		{"empty path", "*** Begin Patch\n*** Delete File:   \n", "unknown_shape", "a file with no name cannot be classified"},
		{"move without update", "*** Begin Patch\n*** Add File: a\n*** Move to: b\n", "unknown_shape", "only updates move"},
		{"move first", "*** Begin Patch\n*** Move to: b\n", "unknown_shape", "a move needs its source"},
		{"too many files", many, "too_large", "the file list is bounded"},
		{"line too long", "*** Begin Patch\n*** Add File: a\n+" + strings.Repeat("x", codex.MaxPatchLine) + "\n", "too_large",
			"lines are bounded"},
		{"too large", strings.Repeat(" ", codex.MaxPatch+1), "too_large", "the patch is bounded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			files, err := codex.ParsePatch(tt.patch)
			var ie *adapter.InputError
			if !errors.As(err, &ie) || ie.Code != tt.code {
				t.Errorf("ParsePatch = %v, %v; want an input error %s: %s", files, err, tt.code, tt.why)
			}
			if codex.PatchFiles(tt.patch) != nil {
				t.Errorf("PatchFiles gave files for a patch ParsePatch refuses")
			}
		})
	}
}

func TestPatchAtTheBounds(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("*** Begin Patch\n")
	for i := range codex.MaxPatchFiles {
		fmt.Fprintf(&b, "*** Delete File: f%d\n", i)
	}
	files, err := codex.ParsePatch(b.String())
	if err != nil || len(files) != codex.MaxPatchFiles {
		t.Errorf("a patch of exactly %d files: %d files, %v", codex.MaxPatchFiles, len(files), err)
	}
	long := "*** Begin Patch\n*** Add File: a\n" + "+" + strings.Repeat("x", codex.MaxPatchLine-1) + "\n"
	if _, err := codex.ParsePatch(long); err != nil {
		t.Errorf("a line of exactly %d bytes: %v", codex.MaxPatchLine, err)
	}
}

func FuzzPatch(f *testing.F) {
	for _, s := range []string{
		"*** Begin Patch\n*** Add File: a\n+x\n*** End Patch",
		"*** Begin Patch\n*** Update File: a\n*** Move to: b\n@@\n-x\n+y\n*** End of File\n*** End Patch\n",
		"*** Begin Patch\r\n*** Delete File: c\r\n",
		"\n\n*** Begin Patch\n*** Add File: \n",
		"apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, patch string) {
		files, err := codex.ParsePatch(patch)
		if err != nil {
			if !adapter.IsInputError(err) {
				t.Fatalf("error %v is not an InputError", err)
			}
			if files != nil {
				t.Fatalf("files %v with error %v", files, err)
			}
			return
		}
		if len(files) == 0 || len(files) > codex.MaxPatchFiles {
			t.Fatalf("%d files", len(files))
		}
		total := 0
		for _, pf := range files {
			switch pf.Op {
			case "add", "update", "delete":
				if pf.To != "" {
					t.Fatalf("%s with a destination: %+v", pf.Op, pf)
				}
			case "move":
				if pf.To == "" {
					t.Fatalf("move without a destination: %+v", pf)
				}
			default:
				t.Fatalf("unknown op: %+v", pf)
			}
			if pf.Path == "" || pf.Path != strings.TrimSpace(pf.Path) {
				t.Fatalf("bad path %q", pf.Path)
			}
			if pf.Op == "delete" && pf.Added != "" {
				t.Fatalf("a delete adds lines: %+v", pf)
			}
			total += len(pf.Added)
		}
		if total > len(patch) {
			t.Fatalf("added %d bytes from a %d-byte patch", total, len(patch))
		}
		if again, _ := codex.ParsePatch(patch); !reflect.DeepEqual(files, again) {
			t.Fatalf("not deterministic")
		}
		if a := codex.PatchAction(files); a.Path != files[0].Path || !a.Kind.Valid() {
			t.Fatalf("action %+v for %+v", a, files)
		}
	})
}

// FuzzCommand feeds shell and apply_patch commands, the heredoc and argv
// forms included, through Action.
func FuzzCommand(f *testing.F) {
	f.Add("Bash", "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: a\n+x\n*** End Patch\nEOF\n", "")
	f.Add("Bash", "bash", "apply_patch <<EOF\n*** Begin Patch\n*** Delete File: a\nEOF")
	f.Add("apply_patch", "*** Begin Patch\n*** Update File: a\n*** Move to: b\n+y\n", "")
	f.Add("apply_patch", "apply_patch", "*** Begin Patch\n*** Add File: a\n+x\n")
	f.Fuzz(func(t *testing.T, tool, cmd, arg string) {
		inputs := []map[string]any{{"command": cmd}}
		if arg != "" {
			inputs = append(inputs, map[string]any{"command": []any{cmd, arg}}, map[string]any{"command": []any{cmd, "-lc", arg}})
		}
		for _, in := range inputs {
			a, err := codex.Action(tool, in)
			if err != nil {
				if !adapter.IsInputError(err) {
					t.Fatalf("error %v is not an InputError", err)
				}
				continue
			}
			if !a.Kind.Valid() {
				t.Fatalf("invalid action %+v", a)
			}
			if tool == "Bash" && a.Kind != event.KindShell {
				if s, ok := in["command"].(string); ok && !strings.HasPrefix(strings.TrimSpace(s), "apply") {
					t.Fatalf("a shell command that is no apply_patch call became %s", a.Kind)
				}
			}
		}
	})
}
