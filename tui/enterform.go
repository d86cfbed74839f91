package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/nstui/nstui/nsops"
)

// enterForm is the `e` dialog. On a namespace it enters that namespace
// (and, when the kernel needs it, the user namespace owning it); on a
// process it enters all of the process's namespaces or a chosen subset. The
// equivalent nsenter command line follows every change.
type enterForm struct {
	snap *nsops.Snapshot

	// A process target...
	pid  int
	diff [nsops.NumTypes]bool // the process's namespace differs from nstui's

	// ...or a namespace target.
	ns    *nsops.Namespace
	owner *nsops.Namespace // owning user namespace, nil when none is known

	fields []formField
	cur    int
	err    string
}

// Field indexes of the process form: "all", the eight types, the command.
const (
	enterAll      = 0
	enterFirstTyp = 1
	enterProcCmd  = 1 + nsops.NumTypes
)

// Field indexes of the namespace form: the owner toggle, the command.
const (
	enterOwner = 0
	enterNSCmd = 1
)

// newEnterProcForm builds the form for entering the namespaces of pid. self
// is nstui's own process in snap (nil when unknown): types whose namespace
// is the same as nstui's are left out by default.
func newEnterProcForm(snap *nsops.Snapshot, pid int, self *nsops.Process) *enterForm {
	f := &enterForm{snap: snap, pid: pid}
	p := snap.Processes[pid]
	f.fields = append(f.fields, formField{kind: fieldToggle, label: "all", on: true,
		note: "every namespace of the process that differs from nstui's (nsenter --all)"})
	for _, t := range nsops.AllTypes() {
		note := "not readable"
		if p != nil && !p.NS[t].IsZero() {
			note = fmt.Sprintf("%s:%d", t, p.NS[t].Ino)
			switch {
			case self != nil && self.NS[t] == p.NS[t]:
				note += "  same as nstui's"
			default:
				f.diff[t] = true
				note += "  differs"
			}
		}
		f.fields = append(f.fields, formField{kind: fieldToggle, label: t.String(), note: note, t: t, isNS: true, on: f.diff[t]})
	}
	f.fields = append(f.fields, formField{kind: fieldText, label: "command", hint: "(the target's $SHELL, else /bin/sh)"})
	f.sync()
	return f
}

// newEnterNSForm builds the form for entering one namespace. Joining a
// namespace needs CAP_SYS_ADMIN in the user namespace that owns it: root in
// the initial user namespace has that everywhere; anyone else must join the
// owner first, so that toggle starts on for them.
func newEnterNSForm(snap *nsops.Snapshot, ns *nsops.Namespace, self *nsops.Process) *enterForm {
	f := &enterForm{snap: snap, ns: ns}
	if ns.Type != nsops.UserNS && !ns.Owner.IsZero() {
		f.owner = snap.ByID(ns.Owner)
	}
	need := false
	note := "no owning user namespace known"
	switch {
	case ns.Type == nsops.UserNS && !ns.Owner.IsZero():
		// A user namespace's owner is its parent. setns needs
		// CAP_SYS_ADMIN in the target itself, and whoever has that in
		// the parent has it in every descendant: joining the parent
		// first never helps.
		note = fmt.Sprintf("user:%d (its parent)  not needed to join it", ns.Owner.Ino)
	case ns.Type == nsops.UserNS:
		note = "none: the initial user namespace has no owner"
	case f.owner == nil && !ns.Owner.IsZero():
		note = fmt.Sprintf("user:%d, not seen by the last scan", ns.Owner.Ino)
	}
	if f.owner != nil {
		note = fmt.Sprintf("user:%d", f.owner.ID.Ino)
		switch {
		case self != nil && self.NS[nsops.UserNS] == f.owner.ID:
			note += "  already ours"
		case self != nil && self.UID != 0:
			need = true
			note += "  needed: you are not root"
		default:
			note += "  not needed as root"
		}
		if f.owner.Path == "" {
			note += " (no path to open it)"
		}
	}
	f.fields = []formField{
		{kind: fieldToggle, label: "also join the owning user namespace", note: note, on: need && f.owner != nil && f.owner.Path != "",
			off: f.owner == nil || f.owner.Path == ""},
		{kind: fieldText, label: "command", hint: "(your $SHELL, else /bin/sh)"},
	}
	return f
}

// sync greys the type toggles out while "all" is on.
func (f *enterForm) sync() {
	if f.pid == 0 {
		return
	}
	all := f.fields[enterAll].on
	for i := range nsops.NumTypes {
		fl := &f.fields[enterFirstTyp+i]
		fl.off = all
		if all {
			fl.on = f.diff[fl.t]
		}
	}
}

// spec builds the enter spec the form describes.
func (f *enterForm) spec() nsops.EnterSpec {
	if f.pid > 0 {
		s := nsops.NewEnterSpec(f.pid)
		if !f.fields[enterAll].on {
			s.All = false
			for i := range nsops.NumTypes {
				if fl := f.fields[enterFirstTyp+i]; fl.on {
					s.Types = append(s.Types, fl.t)
				}
			}
		}
		s.Args = commandArgs(f.fields[enterProcCmd].value)
		return s
	}
	s := nsops.EnterSpec{TargetNS: nsops.NSRef{Type: f.ns.Type, Ino: f.ns.ID.Ino}, Snapshot: f.snap, UID: -1, GID: -1}
	if f.fields[enterOwner].on && f.owner != nil && f.owner.Path != "" {
		s.Paths = map[nsops.NSType]string{nsops.UserNS: f.owner.Path}
	}
	s.Args = commandArgs(f.fields[enterNSCmd].value)
	return s
}

// shownSpec is the spec the "Equivalent command" line shows. With all
// ticked nstui joins the namespaces that differ from its own; when nsenter
// --all would join more (see nsops.NsenterAllSkipsOwn), the line names the
// types that differ instead, as nstui enter --print-equivalent does.
func (f *enterForm) shownSpec() nsops.EnterSpec {
	s := f.spec()
	if f.pid <= 0 || !s.All {
		return s
	}
	exact := true
	for _, t := range nsops.AllTypes() {
		if !f.diff[t] && !nsops.NsenterAllSkipsOwn(t) {
			exact = false
		}
	}
	if !exact {
		s.All = false
		for _, t := range nsops.AllTypes() {
			if f.diff[t] {
				s.Types = append(s.Types, t)
			}
		}
	}
	return s
}

// title names the pane: "enter 4321 net,uts", "enter 4321 all",
// "enter 4321 net" for a namespace (by its lowest member).
func (f *enterForm) title() string {
	var t string
	cmd := f.fields[len(f.fields)-1].value
	if f.pid > 0 {
		what := "all"
		if !f.fields[enterAll].on {
			var names []string
			for _, ty := range f.spec().Types {
				names = append(names, ty.String())
			}
			what = strings.Join(names, ",")
		}
		t = fmt.Sprintf("enter %d %s", f.pid, what)
	} else {
		if f.ns.PID > 0 {
			t = fmt.Sprintf("enter %d %s", f.ns.PID, f.ns.Type)
		} else {
			t = fmt.Sprintf("enter %s:%d", f.ns.Type, f.ns.ID.Ino)
		}
		if f.fields[enterOwner].on {
			t += "+user"
		}
	}
	if c := strings.TrimSpace(cmd); c != "" {
		t += ": " + c
	}
	return t
}

func (f *enterForm) key(msg tea.KeyPressMsg) formAction {
	a := formKey(f.fields, &f.cur, msg)
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

// render draws the form as a w-wide framed box at most h lines tall.
func (f *enterForm) render(st *Styles, w, h int) string {
	inner := w - 2
	var head string
	if f.pid > 0 {
		cmd := ""
		if p := f.snap.Processes[f.pid]; p != nil {
			cmd = " " + p.Command()
		}
		head = fmt.Sprintf(" Enter the namespaces of process %d%s", f.pid, cmd)
	} else {
		head = fmt.Sprintf(" Enter %s namespace %d", f.ns.Type, f.ns.ID.Ino)
		if f.ns.PID > 0 {
			head += fmt.Sprintf(" (held by pid %d)", f.ns.PID)
		}
	}
	body := []string{st.Value.Render(fit(head, inner)),
		st.Dim.Render(fit(" ↑/↓ move · space toggles · enter starts a shell in a new pane · esc cancels", inner)), ""}
	lines := formLines(st, f.fields, f.cur, inner)
	if f.pid > 0 {
		body = append(body, lines[enterAll], "", st.Section.Render(fit(" Namespaces to join", inner)))
		body = append(body, lines[enterFirstTyp:enterProcCmd]...)
		body = append(body, "", lines[enterProcCmd])
	} else {
		body = append(body, lines...)
	}
	body = appendSpecLines(st, body, f.shownSpec(), f.err, inner)
	body = compactBody(body, h)
	return drawPanel(*st, "Enter (e)", body, w, len(body)+2, true)
}
