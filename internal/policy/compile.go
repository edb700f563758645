package policy

import (
	"cmp"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/agentward/ward/event"
	"github.com/agentward/ward/internal/analyze/netx"
	"github.com/agentward/ward/internal/analyze/pathclass"
	"github.com/agentward/ward/internal/policy/cond"
	"github.com/agentward/ward/internal/policy/presets"
)

// Default settings, used where no layer sets them.
const (
	DefaultOnError         = event.Deny
	DefaultDecision        = event.Allow
	DefaultApprovalTimeout = 2 * time.Minute
)

// maxExtendsDepth bounds how deep presets may extend one another.
const maxExtendsDepth = 8

// Options control Compile.
type Options struct {
	// Eager compiles every condition now, reporting every problem. Without
	// it a condition compiles when an event first reaches its rule: a hook
	// process decides one event and should not pay to compile conditions
	// it never needs.
	Eager bool
}

// Policy is the effective policy: the built-in protections and every
// layer, merged, ready to decide. It is safe for concurrent use.
type Policy struct {
	rules    []*compiled // in precedence order
	limits   []*compiled // rules with a limit, in precedence order
	index    kindIndex
	tools    []*toolEntry
	Settings Settings
	// SettingsFrom says which file set each setting, for show.
	SettingsFrom map[string]string
	// Warnings are problems that did not stop the policy from loading:
	// chiefly a layer's attempts to loosen what another layer brought in,
	// which are ignored.
	Warnings Errors
	// Disabled lists the rules layers switched off.
	Disabled []DisabledRule
	// Digest identifies the effective policy.
	Digest string
	// Files are the parsed files, by name.
	Files map[string]*File

	env func() (*cond.Env, error)
}

// DisabledRule is a rule a layer switched off.
type DisabledRule struct {
	ID  string
	By  Layer
	Pos Pos
}

// Origin says where a rule in the effective policy comes from.
type Origin struct {
	// Layer wrote the rule, or brought it in through a preset.
	Layer Layer
	// Preset is the preset the rule comes from; empty when Layer wrote it.
	Preset string
	// Via lists every layer that brought the preset rule in.
	Via []Layer
	Pos Pos
}

func (o Origin) String() string {
	if o.Preset == "" {
		return fmt.Sprintf("%s layer, %s", o.Layer, o.Pos)
	}
	via := make([]string, len(o.Via))
	for i, l := range o.Via {
		via[i] = l.String()
	}
	return fmt.Sprintf("preset %s via %s, %s", o.Preset, strings.Join(via, "+"), o.Pos)
}

// compiled is a rule in the effective policy.
type compiled struct {
	*Rule
	Origin Origin
	file   *File
	order  int

	tools     []string // globs
	literal   bool     // every tool entry is a plain name
	kinds     kindSet
	agents    []string
	phases    phaseSet
	commands  []string
	path      *pathMatcher
	url       *urlMatcher
	findings  []string
	labels    []string
	condOnce  sync.Once
	cond      *condition
	condErr   error
	synthetic bool // made from a tool policy
}

// entry is a rule while layers are merged.
type entry struct {
	rule   *Rule
	file   *File
	layer  Layer // author, or first layer that brought it in
	preset string
	owners layerSet
}

type layerSet uint8

func (s layerSet) has(l Layer) bool { return s&(1<<l) != 0 }
func (s layerSet) list() []Layer {
	var out []Layer
	for l := LayerBuiltin; l <= LayerProject; l++ {
		if s.has(l) {
			out = append(out, l)
		}
	}
	return out
}

// toolEntry is a per-tool policy in the effective policy.
type toolEntry struct {
	*ToolPolicy
	layer Layer
	file  *File
}

// compiler holds the state of one Compile.
type compiler struct {
	opts    Options
	errs    Errors
	warns   Errors
	files   map[string]*File
	presets map[string][]presetRule
	entries []*entry
	tools   []*toolEntry
	pol     *Policy
}

type presetRule struct {
	rule   *Rule
	file   *File
	preset string
}

// Compile merges the built-in protections and the given layers into the
// effective policy. Sources may come in any order; at most one per layer.
// With no source at all the user layer is "extends: [standard]".
func Compile(sources []Source, opts Options) (*Policy, error) {
	c := &compiler{opts: opts, files: map[string]*File{}, presets: map[string][]presetRule{},
		pol: &Policy{SettingsFrom: map[string]string{}}}
	stages := []struct {
		name string
		run  func([]Source)
	}{
		{"parse", c.parse},
		{"merge", c.merge},
		{"tools", c.toolRules},
		{"matchers", c.matchers},
		{"conditions", c.conditions},
		{"order", c.order},
	}
	for _, st := range stages {
		st.run(sources)
		if len(c.errs) > 0 {
			return nil, c.errs.Err()
		}
	}
	c.pol.Warnings = c.warns
	c.pol.Warnings.Sort()
	c.pol.Files = c.files
	c.pol.Digest = digest(sources)
	c.pol.env = sync.OnceValues(newCondEnv)
	return c.pol, nil
}

func (c *compiler) errorf(code string, pos Pos, format string, args ...any) {
	c.errs = append(c.errs, c.newError(code, pos, format, args...))
}

func (c *compiler) warnf(pos Pos, format string, args ...any) {
	c.warns = append(c.warns, c.newError(CodeLoosen, pos, format, args...))
}

func (c *compiler) newError(code string, pos Pos, format string, args ...any) *Error {
	e := &Error{Code: code, Pos: pos, Msg: fmt.Sprintf(format, args...)}
	if f := c.files[pos.File]; f != nil {
		e.Excerpt = f.excerpt(pos.Line)
	}
	return e
}

// layerFile is a parsed source with its layer.
type layerFile struct {
	layer Layer
	file  *File
}

// parse reads the built-in protections and every source.
func (c *compiler) parse(sources []Source) {
	seen := map[Layer]string{}
	for _, s := range sources {
		if s.Layer == LayerBuiltin {
			c.errorf(CodeSchema, Pos{File: s.Name}, "the builtin layer is ward's own and cannot be given")
			continue
		}
		if prev, ok := seen[s.Layer]; ok {
			c.errorf(CodeSchema, Pos{File: s.Name}, "two %s layers given (%s and %s)", s.Layer, prev, s.Name)
			continue
		}
		seen[s.Layer] = s.Name
		c.parseOne(s)
	}
	c.loadPreset(presets.Builtin)
}

func (c *compiler) parseOne(s Source) *File {
	f, errs := Parse(s)
	c.errs = append(c.errs, errs...)
	if f != nil {
		c.files[f.Name] = f
	}
	return f
}

// layers returns the parsed layer files in layer order, adding the
// implicit user layer when no source was given at all.
func (c *compiler) layers(sources []Source) []layerFile {
	var out []layerFile
	for _, s := range sources {
		if f := c.files[s.Name]; f != nil && s.Layer != LayerBuiltin {
			out = append(out, layerFile{s.Layer, f})
		}
	}
	if len(out) == 0 {
		f := &File{Name: "(default)", Version: 1}
		c.files[f.Name] = f
		out = append(out, layerFile{LayerUser, f})
	}
	slices.SortStableFunc(out, func(a, b layerFile) int { return cmp.Compare(a.layer, b.layer) })
	return out
}

// extends returns the presets a layer file brings in. A managed or user
// layer that does not say extends the standard preset; a project layer,
// which usually adds a rule or two, extends nothing unless it says so.
func extendsOf(lf layerFile) []Ref {
	if lf.file.Extends != nil || lf.layer == LayerProject {
		return lf.file.Extends
	}
	return []Ref{{Name: "standard", Pos: Pos{File: lf.file.Name}}}
}

// merge stacks the layers. The rule it enforces: a layer may replace or
// disable only what it alone brought in. Anything else it writes is
// added beside what is there, and since deny beats ask beats allow, an
// added rule can only tighten.
func (c *compiler) merge(sources []Source) {
	builtin := c.files[presets.FileName(presets.Builtin)]
	for _, r := range builtin.Rules {
		c.entries = append(c.entries, &entry{rule: r, file: builtin, layer: LayerBuiltin, owners: 1 << LayerBuiltin})
	}
	for _, t := range builtin.Tools {
		c.tools = append(c.tools, &toolEntry{t, LayerBuiltin, builtin})
	}
	layers := c.layers(sources)
	// Presets first, so that each layer's replacements and disables see
	// every layer's ownership; disables last, so that a disable naming
	// another layer's rule is recognised as one.
	for _, lf := range layers {
		for _, ref := range extendsOf(lf) {
			for _, pr := range c.preset(ref, 0, nil) {
				c.own(pr, lf.layer)
			}
		}
	}
	for _, lf := range layers {
		c.ownRules(lf)
		c.layerTools(lf)
	}
	for _, lf := range layers {
		c.disable(lf)
	}
	c.settings(layers)
	c.egressRules(layers)
	c.checkDuplicates()
}

// own records that layer brings in a preset rule.
func (c *compiler) own(pr presetRule, layer Layer) {
	for _, e := range c.entries {
		if e.rule == pr.rule {
			e.owners |= 1 << layer
			return
		}
	}
	c.entries = append(c.entries, &entry{rule: pr.rule, file: pr.file, layer: layer, preset: pr.preset, owners: 1 << layer})
}

// preset expands a preset and those it extends. A preset's own rule
// replaces a rule of the same id from a preset it extends.
func (c *compiler) preset(ref Ref, depth int, chain []string) []presetRule {
	if slices.Contains(chain, ref.Name) {
		c.errorf(CodeExtends, ref.Pos, "presets extend each other in a cycle: %s -> %s", strings.Join(chain, " -> "), ref.Name)
		return nil
	}
	if depth > maxExtendsDepth {
		c.errorf(CodeExtends, ref.Pos, "presets extend each other more than %d deep", maxExtendsDepth)
		return nil
	}
	if rules, ok := c.presets[ref.Name]; ok {
		return rules
	}
	var f *File
	ok := false
	if ref.Name != presets.Builtin {
		f, ok = c.loadPreset(ref.Name)
	}
	if !ok {
		c.errorf(CodeExtends, ref.Pos, "unknown preset %q (known: %s)", ref.Name, strings.Join(presets.Names(), ", "))
		return nil
	}
	if f == nil {
		return nil
	}
	var rules []presetRule
	for _, base := range f.Extends {
		rules = append(rules, c.preset(base, depth+1, append(chain, ref.Name))...)
	}
	for _, r := range f.Rules {
		rules = slices.DeleteFunc(rules, func(pr presetRule) bool { return pr.rule.ID == r.ID })
		rules = append(rules, presetRule{rule: r, file: f, preset: ref.Name})
	}
	c.presets[ref.Name] = rules
	return rules
}

// disable applies a layer's disable list.
func (c *compiler) disable(lf layerFile) {
	for _, ref := range lf.file.Disable {
		found := false
		for _, e := range c.entries {
			if e.rule.ID != ref.Name {
				continue
			}
			found = true
			switch {
			case e.owners.has(LayerBuiltin):
				c.warnf(ref.Pos, "rule %q is a built-in protection; no layer can disable it", ref.Name)
			case !e.owners.has(lf.layer) || e.preset == "":
				c.warnf(ref.Pos, "rule %q was not brought in by the %s layer's presets; a layer can disable only what it alone brought in", ref.Name, lf.layer)
			case e.owners != 1<<lf.layer:
				c.warnf(ref.Pos, "rule %q stays: the %s layer brings it in too", ref.Name, otherOwners(e.owners, lf.layer))
				e.owners &^= 1 << lf.layer
			default:
				e.owners = 0
				c.pol.Disabled = append(c.pol.Disabled, DisabledRule{ID: ref.Name, By: lf.layer, Pos: ref.Pos})
			}
		}
		if !found {
			c.errorf(CodeSchema, ref.Pos, "disable: there is no rule %q", ref.Name)
		}
	}
	c.entries = slices.DeleteFunc(c.entries, func(e *entry) bool { return e.owners == 0 })
}

func otherOwners(s layerSet, self Layer) string {
	var names []string
	for _, l := range s.list() {
		if l != self {
			names = append(names, l.String())
		}
	}
	return strings.Join(names, " and ")
}

// ownRules adds the rules a layer wrote itself.
func (c *compiler) ownRules(lf layerFile) {
	for _, r := range lf.file.Rules {
		for _, e := range c.entries {
			if e.rule.ID != r.ID {
				continue
			}
			switch {
			case e.owners.has(LayerBuiltin):
				c.warnf(r.Pos, "rule id %q is a built-in protection's; both apply, and the built-in rule cannot be changed", r.ID)
			case e.preset != "" && e.owners == 1<<lf.layer:
				e.owners = 0 // the layer replaces what it alone brought in
			case e.preset != "" && e.owners.has(lf.layer):
				c.warnf(r.Pos, "rule %q replaces the preset rule only for the %s layer; the %s layer brings the preset rule in too, so both apply",
					r.ID, lf.layer, otherOwners(e.owners, lf.layer))
				e.owners &^= 1 << lf.layer
			case e.layer != lf.layer:
				c.warnf(r.Pos, "rule id %q is also defined by the %s layer (%s); a %s layer cannot replace it, so both apply",
					r.ID, e.layer, e.rule.Pos, lf.layer)
			}
		}
		c.entries = slices.DeleteFunc(c.entries, func(e *entry) bool { return e.owners == 0 })
		c.entries = append(c.entries, &entry{rule: r, file: lf.file, layer: lf.layer, owners: 1 << lf.layer})
	}
}

// layerTools adds a layer's per-tool policies and those of the presets it
// brings in. Marking a tool's results trusted loosens what other layers
// decide, so a project layer may not.
func (c *compiler) layerTools(lf layerFile) {
	for _, t := range lf.file.Tools {
		if lf.layer == LayerProject {
			cp := *t
			cp.Result = slices.DeleteFunc(slices.Clone(t.Result), func(r Ref) bool {
				if r.Name == ResultMarkTrusted {
					c.warnf(r.Pos, "tools[%q]: a project layer cannot mark a tool's results trusted; ignored", t.Pattern)
					return true
				}
				return false
			})
			if cp.Sink != nil && !*cp.Sink {
				c.warnf(cp.SinkPos, "tools[%q]: a project layer cannot say a tool is not a sink; ignored", t.Pattern)
				cp.Sink = nil
			}
			t = &cp
		}
		c.tools = append(c.tools, &toolEntry{t, lf.layer, lf.file})
	}
	for _, name := range c.presetNames(extendsOf(lf), 0) {
		f := c.files[presets.FileName(name)]
		if f == nil {
			continue
		}
		for _, t := range f.Tools {
			if !slices.ContainsFunc(c.tools, func(e *toolEntry) bool { return e.ToolPolicy == t }) {
				c.tools = append(c.tools, &toolEntry{t, lf.layer, f})
			}
		}
	}
}

// settings merges the layers' settings. Within a layer, what the layer
// says overrides what its presets say; across layers the strictest value
// wins, so no layer can loosen another's.
func (c *compiler) settings(layers []layerFile) {
	s := &c.pol.Settings
	for _, lf := range layers {
		own := c.layerSettings(lf)
		onError, def, timeout := s.tighten(own)
		if onError {
			c.pol.SettingsFrom["on_error"] = own.OnErrorPos.String()
		}
		if def {
			c.pol.SettingsFrom["default"] = own.DefaultPos.String()
		}
		if timeout {
			c.pol.SettingsFrom["approval_timeout"] = own.ApprovalTimeoutPos.String()
		}
	}
	if s.OnError == 0 {
		s.OnError, c.pol.SettingsFrom["on_error"] = DefaultOnError, "default"
	}
	if s.Default == 0 {
		s.Default, c.pol.SettingsFrom["default"] = DefaultDecision, "default"
	}
	if s.ApprovalTimeout == 0 {
		s.ApprovalTimeout, c.pol.SettingsFrom["approval_timeout"] = DefaultApprovalTimeout, "default"
	}
}

// layerSettings is what one layer sets: its own settings, and for those it
// leaves unset, the strictest of its presets'.
func (c *compiler) layerSettings(lf layerFile) Settings {
	var fromPresets Settings
	for _, name := range c.presetNames(extendsOf(lf), 0) {
		if f := c.files[presets.FileName(name)]; f != nil {
			fromPresets.tighten(f.Settings)
		}
	}
	own := lf.file.Settings
	if own.OnError == 0 {
		own.OnError, own.OnErrorPos = fromPresets.OnError, fromPresets.OnErrorPos
	}
	if own.Default == 0 {
		own.Default, own.DefaultPos = fromPresets.Default, fromPresets.DefaultPos
	}
	if own.ApprovalTimeout == 0 {
		own.ApprovalTimeout, own.ApprovalTimeoutPos = fromPresets.ApprovalTimeout, fromPresets.ApprovalTimeoutPos
	}
	return own
}

// tighten takes each of o's settings that is stricter than s's, and says
// which it took: a decision closer to deny, a shorter approval timeout.
func (s *Settings) tighten(o Settings) (onError, def, timeout bool) {
	if o.OnError > s.OnError {
		s.OnError, s.OnErrorPos, onError = o.OnError, o.OnErrorPos, true
	}
	if o.Default > s.Default {
		s.Default, s.DefaultPos, def = o.Default, o.DefaultPos, true
	}
	if o.ApprovalTimeout > 0 && (s.ApprovalTimeout == 0 || o.ApprovalTimeout < s.ApprovalTimeout) {
		s.ApprovalTimeout, s.ApprovalTimeoutPos, timeout = o.ApprovalTimeout, o.ApprovalTimeoutPos, true
	}
	return onError, def, timeout
}

// presetNames lists the presets refs bring in, with those they extend.
func (c *compiler) presetNames(refs []Ref, depth int) []string {
	var out []string
	for _, ref := range refs {
		out = append(out, ref.Name)
		if f := c.files[presets.FileName(ref.Name)]; f != nil && depth < maxExtendsDepth {
			out = append(out, c.presetNames(f.Extends, depth+1)...)
		}
	}
	return out
}

// checkDuplicates reports two rules of one file sharing an id.
func (c *compiler) checkDuplicates() {
	for _, f := range c.files {
		seen := map[string]Pos{}
		for _, r := range f.Rules {
			if prev, ok := seen[r.ID]; ok {
				c.errorf(CodeDuplicate, r.Pos, "rule id %q is already used at %s", r.ID, prev)
				continue
			}
			seen[r.ID] = r.Pos
		}
	}
}

// toolRules turns the per-tool call policies into rules, so they take part
// in precedence like any other rule.
func (c *compiler) toolRules([]Source) {
	for _, t := range c.tools {
		r := &Rule{ID: "tools." + t.Pattern, Pos: t.Pos, Match: Match{Tool: []string{t.Pattern}}}
		switch t.Call {
		case CallBlockAlways:
			r.Decision, r.Severity = event.Deny, event.High
			r.Reason = fmt.Sprintf("The policy blocks the tool %s", t.Pattern)
		case CallRequireApproval:
			r.Decision, r.Severity = event.Ask, event.Medium
			r.Reason = fmt.Sprintf("The policy asks a person before the tool %s runs", t.Pattern)
		case CallBlockWhenUntrusted:
			r.Decision, r.Severity = event.Deny, event.High
			r.Match.Label = []string{"untrusted"}
			r.Reason = fmt.Sprintf("The tool %s is blocked once untrusted content has entered the session", t.Pattern)
		case CallAllow:
			r.Decision, r.Severity = event.Allow, event.Info
			r.Reason = fmt.Sprintf("The policy allows the tool %s", t.Pattern)
		default:
			r = nil
		}
		if r != nil {
			c.entries = append(c.entries, &entry{rule: r, file: t.file, layer: t.layer, owners: 1 << t.layer})
		}
		for _, res := range t.Result {
			if res.Name == ResultBlock {
				c.entries = append(c.entries, &entry{file: t.file, layer: t.layer, owners: 1 << t.layer, rule: &Rule{
					ID: "tools." + t.Pattern + ".result", Pos: res.Pos, Decision: event.Deny, Severity: event.High,
					Match:  Match{Tool: []string{t.Pattern}, Phase: []event.Phase{event.PhasePost}},
					Reason: fmt.Sprintf("The policy withholds the results of the tool %s from the agent", t.Pattern),
				}})
			}
		}
	}
	c.pol.tools = c.tools
}

// matchers prepares each rule's built-in matchers, checking their globs
// and names.
func (c *compiler) matchers([]Source) {
	for i, e := range c.entries {
		r := e.rule
		cr := &compiled{Rule: r, file: e.file, order: i, Origin: Origin{Layer: e.layer, Preset: e.preset, Pos: r.Pos}}
		if e.preset != "" {
			cr.Origin.Via = e.owners.list()
		}
		cr.synthetic = strings.HasPrefix(r.ID, "tools.")
		m := r.Match
		cr.tools = c.globs(m.Tool, m.Pos, "tool")
		cr.literal = len(m.Tool) > 0
		for _, t := range m.Tool {
			if strings.ContainsAny(t, "*?[\\") {
				cr.literal = false
			}
		}
		cr.kinds = newKindSet(m.Kind)
		cr.agents = m.Agent
		cr.phases = newPhaseSet(m.Phase)
		cr.commands = c.globs(m.Command, m.Pos, "command")
		cr.findings = c.globs(m.Finding, m.Pos, "finding")
		cr.labels = m.Label
		if m.Path != nil {
			cr.path = c.pathMatcher(m.Path)
		}
		if m.URL != nil {
			cr.url = c.urlMatcher(m.URL)
		}
		if r.Severity == 0 {
			cr.Rule = withSeverity(r)
		}
		c.pol.rules = append(c.pol.rules, cr)
	}
}

// withSeverity gives a rule without a severity the default for its
// decision, without changing the parsed rule.
func withSeverity(r *Rule) *Rule {
	cp := *r
	switch r.Decision {
	case event.Deny:
		cp.Severity = event.High
	case event.Ask:
		cp.Severity = event.Medium
	default:
		cp.Severity = event.Info
	}
	return &cp
}

func (c *compiler) globs(list []string, pos Pos, what string) []string {
	for _, g := range list {
		if _, err := path.Match(g, ""); err != nil {
			c.errorf(CodeSchema, pos, "match.%s: bad pattern %q: %v", what, g, err)
		}
	}
	return list
}

func (c *compiler) pathMatcher(pm *PathMatch) *pathMatcher {
	known := pathclass.Classes()
	for _, list := range [][]string{pm.Class, pm.Not} {
		for _, cl := range list {
			if !slices.Contains(known, cl) {
				c.errorf(CodeSchema, pm.Pos, "match.path: unknown path class %q (known: %s)", cl, strings.Join(known, ", "))
			}
		}
	}
	return &pathMatcher{classes: pm.Class, not: pm.Not, ops: pm.Op, recursive: pm.Recursive}
}

func (c *compiler) urlMatcher(um *URLMatch) *urlMatcher {
	known := []string{netx.ClassMetadata, netx.ClassLoopback, netx.ClassPrivate, netx.ClassLinkLocal, netx.ClassCGNAT,
		netx.ClassUnspecified, netx.ClassReserved, netx.ClassInternal, netx.ClassRebinding, netx.ClassPublic}
	for _, cl := range um.Class {
		if !slices.Contains(known, cl) {
			c.errorf(CodeSchema, um.Pos, "match.url: unknown host class %q (known: %s)", cl, strings.Join(known, ", "))
		}
	}
	c.globs(um.Host, um.Pos, "url.host")
	c.globs(um.NotHost, um.Pos, "url.not_host")
	return &urlMatcher{classes: um.Class, hosts: lower(um.Host), notHosts: lower(um.NotHost)}
}

func lower(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strings.ToLower(s)
	}
	return out
}

// egressRules turns each layer's egress allow-list into a rule: a web
// request to a host off the list gets the layer's egress decision. Each
// layer's list is its own rule, so stacked lists only narrow.
func (c *compiler) egressRules(layers []layerFile) {
	for _, lf := range layers {
		for _, f := range append([]*File{lf.file}, c.presetFiles(lf)...) {
			s := f.Settings
			if s.Egress == nil {
				continue
			}
			r := &Rule{
				ID: "settings.egress." + lf.layer.String(), Pos: s.EgressPos, Decision: s.EgressDecision, Severity: event.Medium,
				Reason: "Web requests may only reach the hosts the policy's egress list allows",
				Match: Match{URL: &URLMatch{Pos: s.EgressPos, NotHost: s.Egress, Class: []string{
					netx.ClassMetadata, netx.ClassPrivate, netx.ClassLinkLocal, netx.ClassCGNAT, netx.ClassUnspecified,
					netx.ClassReserved, netx.ClassInternal, netx.ClassRebinding, netx.ClassPublic}}},
			}
			c.entries = append(c.entries, &entry{rule: r, file: f, layer: lf.layer, owners: 1 << lf.layer})
		}
	}
}

// presetFiles returns the files of the presets a layer brings in.
func (c *compiler) presetFiles(lf layerFile) []*File {
	var out []*File
	for _, name := range c.presetNames(extendsOf(lf), 0) {
		if f := c.files[presets.FileName(name)]; f != nil && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// conditions compiles every condition now when asked to.
func (c *compiler) conditions([]Source) {
	if !c.opts.Eager {
		return
	}
	env, err := newCondEnv()
	if err != nil {
		c.errorf(CodeCEL, Pos{}, "%v", err)
		return
	}
	for _, r := range c.pol.rules {
		if r.When == "" {
			continue
		}
		r.condOnce.Do(func() { r.cond, r.condErr = r.compileWhen(env) })
		if r.condErr != nil {
			c.errs = append(c.errs, r.condErr.(Errors)...)
		}
	}
}

// compileWhen compiles the rule's condition, mapping problems back to
// their line and column in the policy file.
func (r *compiled) compileWhen(env *cond.Env) (*condition, error) {
	cond, issues := compileCondition(env, r.When)
	if len(issues) == 0 {
		return cond, nil
	}
	var errs Errors
	for _, is := range issues {
		pos := r.WhenPos
		if line, col := r.file.locate(r.whenSpan, r.When, is.offset); line > 0 {
			pos.Line, pos.Col = line, col
		}
		e := &Error{Code: CodeCEL, Pos: pos, Msg: fmt.Sprintf("rule %q: %s", r.ID, is.msg)}
		e.Excerpt = r.file.excerpt(pos.Line)
		errs = append(errs, e)
	}
	return nil, errs
}

// order sorts the rules so that the first one to match decides: deny
// before ask before allow, then by severity, then by layer, a layer's own
// rules before its presets', then as written.
func (c *compiler) order([]Source) {
	slices.SortStableFunc(c.pol.rules, func(a, b *compiled) int {
		return cmp.Or(
			-cmp.Compare(a.Decision, b.Decision),
			-cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Origin.Layer, b.Origin.Layer),
			cmp.Compare(boolInt(a.Origin.Preset != ""), boolInt(b.Origin.Preset != "")),
			cmp.Compare(a.order, b.order),
		)
	})
	// Limits decide only when exceeded, which the caller finds out from
	// the session store; they are kept apart from the rules Eval tries.
	for _, r := range c.pol.rules {
		if r.Limit != nil {
			c.pol.limits = append(c.pol.limits, r)
		}
	}
	c.pol.rules = slices.DeleteFunc(c.pol.rules, func(r *compiled) bool { return r.Limit != nil })
	for i, r := range c.pol.rules {
		r.order = i
	}
	c.pol.index = buildIndex(c.pol.rules)
}

// digest identifies the effective policy by its sources and ward's
// embedded presets.
func digest(sources []Source) string {
	h := presetsHash()
	sorted := slices.Clone(sources)
	slices.SortFunc(sorted, func(a, b Source) int { return cmp.Compare(a.Layer, b.Layer) })
	for _, s := range sorted {
		fmt.Fprintf(h, "layer %s %d\n", s.Layer, len(s.Data))
		h.Write(s.Data)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:16]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RuleInfo is a rule of the effective policy, for tools that list or test
// rules.
type RuleInfo struct {
	*Rule
	Origin Origin
	// Synthetic is set for rules made from per-tool call policies.
	Synthetic bool
}

// Rules returns the rules of the effective policy in precedence order,
// then its limits.
func (p *Policy) Rules() []RuleInfo {
	out := make([]RuleInfo, 0, len(p.rules)+len(p.limits))
	for _, r := range append(slices.Clip(p.rules), p.limits...) {
		out = append(out, RuleInfo{Rule: r.Rule, Origin: r.Origin, Synthetic: r.synthetic})
	}
	return out
}

// Describe says in words what a rule's built-in matchers look for.
func (ri RuleInfo) Describe() string {
	m := ri.Match
	var parts []string
	add := func(name string, list []string) {
		if len(list) > 0 {
			parts = append(parts, name+" "+strings.Join(list, "|"))
		}
	}
	add("tool", m.Tool)
	if len(m.Kind) > 0 {
		parts = append(parts, "kind "+kindsString(m.Kind))
	}
	add("agent", m.Agent)
	if len(m.Phase) > 0 {
		ps := make([]string, len(m.Phase))
		for i, p := range m.Phase {
			ps[i] = string(p)
		}
		add("phase", ps)
	}
	add("command", m.Command)
	if m.Path != nil {
		parts = append(parts, "path ("+(&pathMatcher{classes: m.Path.Class, not: m.Path.Not, ops: m.Path.Op, recursive: m.Path.Recursive}).String()+")")
	}
	if m.URL != nil {
		parts = append(parts, "url ("+(&urlMatcher{classes: m.URL.Class, hosts: m.URL.Host, notHosts: m.URL.NotHost}).String()+")")
	}
	add("finding", m.Finding)
	add("label", m.Label)
	if ri.When != "" {
		parts = append(parts, "when "+strings.Join(strings.Fields(ri.When), " "))
	}
	if ri.Limit != nil {
		parts = append(parts, "limit "+ri.Limit.String())
	}
	if len(parts) == 0 {
		return "every action"
	}
	return strings.Join(parts, "; ")
}
