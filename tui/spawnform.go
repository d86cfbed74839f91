package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/nstui/nstui/nsops"
)

// formAction is what a key did to a form.
type formAction int

const (
	formNone   formAction = iota
	formCancel            // esc: close without starting anything
	formSubmit            // enter: start what the form describes
)

// fieldKind is the kind of one form line.
type fieldKind int

const (
	fieldToggle fieldKind = iota
	fieldText
)

// formField is one line of a form: a checkbox or a one-line text input.
type formField struct {
	kind  fieldKind
	label string
	note  string // short explanation after a toggle
	on    bool   // fieldToggle
	value string // fieldText
	hint  string // fieldText: shown dim while empty
	off   bool   // fieldToggle: shown but not changeable; fieldText: shown dim, not used
	t     nsops.NSType
	isNS  bool // a namespace type toggle
}

// formKeys moves between fields and edits them; it is shared by both forms.
func formKey(fields []formField, cur *int, msg tea.KeyPressMsg) formAction {
	f := &fields[*cur]
	switch msg.String() {
	case "esc":
		return formCancel
	case "enter":
		return formSubmit
	case "up", "shift+tab":
		*cur = (*cur - 1 + len(fields)) % len(fields)
		return formNone
	case "down", "tab":
		*cur = (*cur + 1) % len(fields)
		return formNone
	}
	if f.kind == fieldToggle {
		switch msg.String() {
		case "space", "x", "left", "right":
			if !f.off {
				f.on = !f.on
			}
		case "k":
			*cur = (*cur - 1 + len(fields)) % len(fields)
		case "j":
			*cur = (*cur + 1) % len(fields)
		}
		return formNone
	}
	if f.off { // greyed out: not used, so not edited either
		return formNone
	}
	switch msg.String() {
	case "backspace", "ctrl+h":
		r := []rune(f.value)
		if len(r) > 0 {
			f.value = string(r[:len(r)-1])
		}
	case "ctrl+u":
		f.value = ""
	case "ctrl+w":
		s := strings.TrimRight(f.value, " ")
		if i := strings.LastIndex(s, " "); i >= 0 {
			f.value = s[:i+1]
		} else {
			f.value = ""
		}
	default:
		if msg.Text != "" {
			f.value += msg.Text
		}
	}
	return formNone
}

// formLines renders the fields, the cursor line highlighted.
func formLines(st *Styles, fields []formField, cur, w int) []string {
	var out []string
	for i, f := range fields {
		var line string
		switch f.kind {
		case fieldToggle:
			box := "[ ]"
			if f.on {
				box = "[x]"
			}
			label := f.label
			if f.isNS {
				label = fit(label, 7)
			}
			text := fmt.Sprintf("%s %s %s", box, label, f.note)
			switch {
			case i == cur:
				line = st.Link.Render(">" + fit(text, w-1))
			case f.off:
				line = " " + st.Dim.Render(fit(text, w-1))
			case f.isNS:
				line = " " + box + " " + st.Types[f.t].Render(label) + " " + st.Dim.Render(fit(f.note, max(w-len(box)-len([]rune(label))-3, 0)))
			default:
				line = " " + fit(text, w-1)
			}
		case fieldText:
			lbl := fmt.Sprintf(" %-9s ", f.label)
			val := f.value
			if i == cur {
				val += "█"
			}
			switch {
			case f.off && i == cur:
				line = st.Dim.Render(">" + fit(strings.TrimSpace(lbl[1:]+f.value+"  "+f.hint), w-1))
			case f.off:
				line = st.Dim.Render(lbl + fit(strings.TrimSpace(val+"  "+f.hint), max(w-len(lbl), 0)))
			case f.value == "" && i != cur:
				line = st.Key.Render(lbl) + st.Dim.Render(fit(f.hint, max(w-len(lbl), 0)))
			default:
				line = st.Key.Render(lbl) + st.Value.Render(fit(val, max(w-len(lbl), 0)))
			}
			if i == cur && !f.off {
				line = st.Link.Render(">" + fit(lbl[1:]+val, w-1))
			}
		}
		out = append(out, line)
	}
	return out
}

// commandArgs turns the command field into argv: plain words are split on
// spaces, anything using shell syntax runs under sh -c.
func commandArgs(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if strings.ContainsAny(s, ";|&$<>\"'`*?(){}~\\") {
		return []string{"/bin/sh", "-c", s}
	}
	return strings.Fields(s)
}

// spawnTypeOrder is the order of the spawn form's type toggles: the usual
// sandbox set (the defaults) first.
func spawnTypeOrder() []nsops.NSType {
	return []nsops.NSType{nsops.PIDNS, nsops.MntNS, nsops.UTSNS, nsops.IPCNS, nsops.NetNS, nsops.UserNS, nsops.CgroupNS, nsops.TimeNS}
}

// spawnTypeNote is the one-line reminder of what a new namespace of a type
// gives the shell.
func spawnTypeNote(t nsops.NSType) string {
	switch t {
	case nsops.PIDNS:
		return "own process ids: the shell's init is PID 1, fresh /proc"
	case nsops.MntNS:
		return "own mount table (/ made private)"
	case nsops.UTSNS:
		return "own hostname"
	case nsops.IPCNS:
		return "own System V IPC and POSIX message queues"
	case nsops.NetNS:
		return "own network stack: only lo, brought up"
	case nsops.UserNS:
		return "own uids; root inside (needed as a normal user)"
	case nsops.CgroupNS:
		return "own view of the cgroup tree"
	case nsops.TimeNS:
		return "own monotonic and boottime clocks"
	}
	return ""
}

// Field indexes of the spawn form after the eight type toggles.
const (
	spawnHostname = nsops.NumTypes + iota
	spawnMapCurrent
	spawnCommand
	spawnFields
)

// spawnForm is the `s` dialog: which namespaces to create, the hostname,
// the user mapping and the command, with the equivalent unshare command
// line kept up to date as options change.
type spawnForm struct {
	fields []formField
	cur    int
	err    string // why the last enter did not start anything
}

// The defaults are pid, mnt, uts, ipc and net; a normal user (rootless)
// gets a user namespace too, without which the kernel refuses the others.
func newSpawnForm(hostname string, rootless bool) *spawnForm {
	f := &spawnForm{fields: make([]formField, spawnFields)}
	for i, t := range spawnTypeOrder() {
		f.fields[i] = formField{kind: fieldToggle, label: t.String(), note: spawnTypeNote(t), t: t, isNS: true,
			on: t == nsops.PIDNS || t == nsops.MntNS || t == nsops.UTSNS || t == nsops.IPCNS || t == nsops.NetNS ||
				(rootless && t == nsops.UserNS)}
	}
	f.fields[spawnHostname] = formField{kind: fieldText, label: "hostname", value: hostname, hint: "(keep the current one)"}
	f.fields[spawnMapCurrent] = formField{kind: fieldToggle, label: "map-current-user",
		note: "your own uid inside, not root (--map-current-user)"}
	f.fields[spawnCommand] = formField{kind: fieldText, label: "command", hint: "(your $SHELL, else /bin/sh)"}
	f.sync()
	return f
}

// sync greys out the hostname while no uts namespace is ticked: the
// hostname of the caller's own namespace is never changed.
func (f *spawnForm) sync() {
	h := &f.fields[spawnHostname]
	h.off = !f.wants(nsops.UTSNS)
	h.hint = "(keep the current one)"
	if h.off {
		h.hint = "(not used: tick uts for a hostname of its own)"
	}
}

// wants reports whether the type's toggle is ticked.
func (f *spawnForm) wants(t nsops.NSType) bool {
	for i := range nsops.NumTypes {
		if f.fields[i].t == t {
			return f.fields[i].on
		}
	}
	return false
}

// setType ticks or unticks the toggle of a namespace type.
func (f *spawnForm) setType(t nsops.NSType, on bool) {
	for i := range nsops.NumTypes {
		if f.fields[i].t == t {
			f.fields[i].on = on
		}
	}
}

// hostname is the hostname the spawn sets: none without a uts namespace.
func (f *spawnForm) hostname() string {
	if f.fields[spawnHostname].off {
		return ""
	}
	return strings.TrimSpace(f.fields[spawnHostname].value)
}

// spec builds the spawn spec the form describes.
func (f *spawnForm) spec() nsops.SpawnSpec {
	var types []nsops.NSType
	for i := range nsops.NumTypes {
		if f.fields[i].on {
			types = append(types, f.fields[i].t)
		}
	}
	s := nsops.NewSpawnSpec(types...)
	s.Hostname = f.hostname()
	s.MapCurrentUser = f.fields[spawnMapCurrent].on
	s.Args = commandArgs(f.fields[spawnCommand].value)
	return s
}

// title names the pane the form starts: "spawn pid,mnt,net box1", or
// "spawn (no new namespaces)" when no type is ticked.
func (f *spawnForm) title() string {
	var names []string
	for i := range nsops.NumTypes {
		if f.fields[i].on {
			names = append(names, f.fields[i].t.String())
		}
	}
	if len(names) == 0 {
		return "spawn (no new namespaces)" + f.detail()
	}
	return "spawn " + strings.Join(names, ",") + f.detail()
}

// tab is the pane's short name for its tab: the list of namespace types
// is the same in most spawn tabs, while the hostname and command, which
// tell them apart, would be cut off ("spawn box1: top").
func (f *spawnForm) tab() string { return "spawn" + f.detail() }

// detail is what names a spawned pane after its namespace types: the
// hostname and the command, when given.
func (f *spawnForm) detail() string {
	t := ""
	if h := f.hostname(); h != "" {
		t += " " + h
	}
	if c := strings.TrimSpace(f.fields[spawnCommand].value); c != "" {
		t += ": " + c
	}
	return t
}

func (f *spawnForm) key(msg tea.KeyPressMsg) formAction {
	before := f.fields[f.cur].on
	at := f.cur
	a := formKey(f.fields, &f.cur, msg)
	if on := f.fields[at].on; on != before { // a toggle changed: keep the pair consistent
		switch {
		case at == spawnMapCurrent && on:
			// A user mapping needs a user namespace: tick it along.
			f.setType(nsops.UserNS, true)
		case f.fields[at].isNS && f.fields[at].t == nsops.UserNS && !on:
			f.fields[spawnMapCurrent].on = false // nothing to map without one
		}
	}
	f.sync()
	if a == formSubmit {
		if err := f.spec().Validate(); err != nil {
			f.err = err.Error()
			return formNone
		}
	}
	f.err = ""
	return a
}

// compactBody drops blank lines, then the hint line (index 0), until body
// fits in a box of h lines (frame included).
func compactBody(body []string, h int) []string {
	if len(body)+2 <= h {
		return body
	}
	out := make([]string, 0, len(body))
	for _, l := range body {
		if l != "" {
			out = append(out, l)
		}
	}
	if len(out)+2 > h && len(out) > 1 {
		out = out[1:]
	}
	return out
}

// render draws the form as a w-wide framed box at most h lines tall.
func (f *spawnForm) render(st *Styles, w, h int) string {
	inner := w - 2
	body := []string{st.Dim.Render(fit(" Create new namespaces and start a shell in them. ↑/↓ move · space toggles · enter starts · esc cancels", inner)), ""}
	body = append(body, st.Section.Render(fit(" New namespaces", inner)))
	lines := formLines(st, f.fields, f.cur, inner)
	body = append(body, lines[:nsops.NumTypes]...)
	body = append(body, "", st.Section.Render(fit(" Options", inner)))
	body = append(body, lines[nsops.NumTypes:]...)
	body = appendSpecLines(st, body, f.spec(), f.err, inner)
	body = compactBody(body, h)
	return drawPanel(*st, "New namespaced shell (s)", body, w, len(body)+2, true)
}

// commandSpec is what both forms build: a spawn or an enter spec, each with
// its util-linux equivalent and its own validation.
type commandSpec interface {
	Equivalent() string
	Validate() error
}

// appendSpecLines adds a form's "Equivalent command" section and, below it,
// the error that would stop it (errText, else the spec's own validation).
func appendSpecLines(st *Styles, body []string, spec commandSpec, errText string, inner int) []string {
	body = append(body, "", st.Section.Render(fit(" Equivalent command", inner)))
	for _, l := range wrap(spec.Equivalent(), inner-2) {
		body = append(body, st.Link.Render(fit("  "+l, inner)))
	}
	if errText == "" {
		if err := spec.Validate(); err != nil {
			errText = err.Error()
		}
	}
	if errText != "" {
		body = append(body, "")
		for _, l := range wrap("! "+errText, inner-2) {
			body = append(body, st.Error.Render(fit(" "+l, inner)))
		}
	}
	return body
}
