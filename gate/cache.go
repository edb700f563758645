package gate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/agentward/ward/internal/policy"
)

// recheck is how often a cached policy's files are read again to see
// whether they changed.
const recheck = time.Second

// Bounds on the caches, so a daemon serving many projects stays small.
const (
	maxCachedPolicies   = 256
	maxCachedWorkspaces = 4096
	maxWorkspaceDepth   = 64
)

// policyCache keeps the compiled policy of each project root.
type policyCache struct {
	sources func(root string) ([]policy.Source, error)
	eager   bool

	mu      sync.Mutex
	entries map[string]*cachedPolicy
}

type cachedPolicy struct {
	sources []policy.Source
	checked time.Time
	pol     *policy.Policy
	err     error
}

func newPolicyCache(sources func(root string, project bool) ([]policy.Source, error), project, eager bool) *policyCache {
	return &policyCache{
		sources: func(root string) ([]policy.Source, error) { return sources(root, project) },
		eager:   eager,
		entries: map[string]*cachedPolicy{},
	}
}

// get returns the policy for a project root ("" for none).
func (c *policyCache) get(root string) (*policy.Policy, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[root]
	now := time.Now()
	if e != nil && now.Sub(e.checked) < recheck {
		return e.pol, e.err
	}
	sources, err := c.sources(root)
	if err != nil {
		return nil, err
	}
	if e != nil && sameSources(e.sources, sources) {
		e.checked = now
		return e.pol, e.err
	}
	if len(c.entries) >= maxCachedPolicies {
		clear(c.entries)
	}
	e = &cachedPolicy{sources: sources, checked: now}
	if same := c.find(sources); same != nil {
		// Most projects have no policy of their own: share the compiled
		// policy of another root with the same files.
		e.pol, e.err = same.pol, same.err
	} else {
		e.pol, e.err = policy.Compile(sources, policy.Options{Eager: c.eager})
	}
	c.entries[root] = e
	return e.pol, e.err
}

// find returns a cached policy made from the same sources, or nil.
func (c *policyCache) find(sources []policy.Source) *cachedPolicy {
	for _, e := range c.entries {
		if sameSources(e.sources, sources) {
			return e
		}
	}
	return nil
}

func sameSources(a, b []policy.Source) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Layer != b[i].Layer || a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

// baseSources returns the policy layers for a project root: the given
// in-memory sources, or the managed, user and project files that exist.
func (g *Gate) baseSources(root string, project bool) ([]policy.Source, error) {
	if g.opts.Policy != nil {
		return memorySources(g.opts.Policy)
	}
	managed := g.opts.ManagedPolicy
	if managed == "" {
		managed = "/etc/ward/policy.yaml"
	}
	user := g.opts.UserPolicy
	if user == "" {
		user = filepath.Join(g.opts.WardHome, "policy.yaml")
	}
	files := []struct {
		layer policy.Layer
		path  string
	}{{policy.LayerManaged, managed}, {policy.LayerUser, user}}
	if project && root != "" {
		files = append(files, struct {
			layer policy.Layer
			path  string
		}{policy.LayerProject, filepath.Join(root, ".ward", "policy.yaml")})
	}
	var out []policy.Source
	for _, f := range files {
		data, err := readPolicy(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, policy.Source{Layer: f.layer, Name: f.path, Data: data})
	}
	return out, nil
}

func memorySources(list []PolicySource) ([]policy.Source, error) {
	out := make([]policy.Source, 0, len(list))
	for _, s := range list {
		l, ok := policy.ParseLayer(s.Layer)
		if !ok || l == policy.LayerBuiltin {
			return nil, fmt.Errorf("policy source %s: unknown layer %q (want managed, user or project)", s.Name, s.Layer)
		}
		out = append(out, policy.Source{Layer: l, Name: s.Name, Data: s.Data})
	}
	return out, nil
}

// readPolicy reads a policy file, refusing one too large to be a policy.
func readPolicy(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, policy.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading policy %s: %w", path, err)
	}
	if len(data) > policy.MaxFileSize {
		return nil, fmt.Errorf("policy %s is over %d bytes", path, policy.MaxFileSize)
	}
	return data, nil
}

// workspaceCache remembers the project root of each working directory.
type workspaceCache struct {
	find func(string) string

	mu sync.Mutex
	m  map[string]string
}

func newWorkspaceCache(find func(string) string) *workspaceCache {
	if find == nil {
		find = gitRoot
	}
	return &workspaceCache{find: find, m: map[string]string{}}
}

func (w *workspaceCache) root(cwd string) string {
	if cwd == "" {
		return ""
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if r, ok := w.m[cwd]; ok {
		return r
	}
	if len(w.m) >= maxCachedWorkspaces {
		clear(w.m)
	}
	r := w.find(cwd)
	w.m[cwd] = r
	return r
}

// gitRoot returns the nearest directory at or above cwd that holds .git,
// or cwd itself when there is none.
func gitRoot(cwd string) string {
	dir := filepath.Clean(cwd)
	for i := 0; i < maxWorkspaceDepth; i++ {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return filepath.Clean(cwd)
}
