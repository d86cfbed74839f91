package nsops

import (
	"errors"
	"fmt"
	"strings"
)

// Equivalent returns the util-linux nsenter command line for the spec as it
// is written, without looking at the target: what a form shows while it is
// being filled in. `--all` is printed as such, though nstui leaves out the
// namespaces it is already in (see EquivalentLine, which checks). A
// TYPE:INODE target is rendered with the path the spec's discovery snapshot
// found for it; a namespace file is opened to learn its type. When there is
// no such line (see EquivalentError) it returns a shell comment that says
// why.
func (s EnterSpec) Equivalent() string {
	if _, why, found := s.nsenterPath(); why != "" {
		if !found {
			return "# no nsenter equivalent: " + why
		}
		return "# no nsenter equivalent: " + why + ", and nsenter can only open namespace files"
	}
	fileType, fileErr := s.fileTargetType()
	if fileErr != nil {
		return "# no nsenter equivalent: " + fileErr.Error()
	}
	ns := map[NSType]string{}
	if !s.All {
		for _, t := range s.Types {
			ns[t] = ""
		}
	}
	switch {
	case s.TargetPath != "":
		ns[fileType] = s.TargetPath
	case !s.TargetNS.IsZero():
		ns[s.TargetNS.Type] = s.TargetNS.String()
	}
	for t, path := range s.Paths {
		ns[t] = path
	}
	return s.nsenterLine(s.All, ns)
}

// EquivalentLine prepares the enter as Command and Exec do, so it fails
// where the run would, with the run's error (a target pid that is gone, a
// --net=FILE that is no namespace, a --wd that does not exist, ...), then
// releases it and returns the util-linux nsenter command line that does
// what that run does: it names exactly the namespaces the run joins, so
// those nstui is already in (and leaves out) are not there, and `--all`
// only where nsenter --all would join the same ones. It also fails when no
// nsenter line can do it (see EquivalentError).
func (s EnterSpec) EquivalentLine() (string, error) {
	p, err := s.plan()
	if err != nil {
		return "", err
	}
	p.close()
	if err := s.unreachable(); err != nil {
		return "", err
	}
	return s.nsenterLine(p.allExact, p.joined), nil
}

// nsenterLine renders the nsenter command line that joins ns: per type, the
// file to open, or "" for the target pid's namespace (left to --all when
// all is set).
func (s EnterSpec) nsenterLine(all bool, ns map[NSType]string) string {
	args := []string{"nsenter"}
	if s.Target > 0 {
		args = append(args, "--target", fmt.Sprint(s.Target))
	}
	if all {
		args = append(args, "--all")
	}
	for _, t := range AllTypes() {
		file, ok := ns[t]
		switch {
		case !ok:
		case file == "":
			if !all {
				args = append(args, t.NsenterOption())
			}
		default:
			if !s.TargetNS.IsZero() && t == s.TargetNS.Type && s.Paths[t] == "" {
				file, _, _ = s.nsenterPath()
			}
			args = append(args, t.NsenterOption()+"="+file)
		}
	}
	for _, d := range []struct{ opt, val string }{{"--root", s.Root}, {"--wd", s.Wd}} {
		switch d.val {
		case "":
		case EnterTargetDir:
			args = append(args, d.opt)
		default:
			args = append(args, d.opt+"="+d.val)
		}
	}
	if s.UID >= 0 {
		args = append(args, "--setuid", fmt.Sprint(s.UID))
	}
	if s.GID >= 0 {
		args = append(args, "--setgid", fmt.Sprint(s.GID))
	}
	if s.PreserveCredentials {
		args = append(args, "--preserve-credentials")
	}
	if s.Env {
		args = append(args, "--env")
	}
	if len(s.Args) > 0 {
		args = append(args, "--")
		args = append(args, s.Args...)
	}
	for i, a := range args {
		args[i] = enterQuote(a)
	}
	return strings.Join(args, " ")
}

// EquivalentError says why no nsenter command line does what the spec does,
// or returns nil when Equivalent is one. nsenter joins only what it can open
// by name: a TYPE:INODE target with no path (a network namespace held only by
// a socket, a level of the user or pid tree held only by its child) is out of
// its reach, though nstui enter reaches it through its holder. A namespace
// file target that the run would refuse (it cannot be opened, or the type
// options ask for what it is not) has no line either. Validate's refusals
// are not repeated here, nor anything else the run checks: EquivalentLine
// does all of that.
func (s EnterSpec) EquivalentError() error {
	if _, err := s.fileTargetType(); err != nil {
		return err
	}
	return s.unreachable()
}

// unreachable says why nsenter cannot open a TYPE:INODE target, or returns
// nil.
func (s EnterSpec) unreachable() error {
	_, why, found := s.nsenterPath()
	switch {
	case why == "":
		return nil
	case !found:
		return errors.New(why)
	}
	return errors.New(why + ": nsenter cannot reach it; use nstui enter")
}

// fileTargetType opens a namespace file target as the run does and returns
// its type, or the run's refusal: the file is no namespace, or the type
// options ask for one it is not (see checkOneNS). It returns -1 and no
// error for other targets.
func (s EnterSpec) fileTargetType() (NSType, error) {
	if s.TargetPath == "" {
		return -1, nil
	}
	f, t, err := openNSFile(s.TargetPath)
	if err != nil {
		return -1, err
	}
	f.Close()
	return t, s.checkOneNS(s.TargetPath, t)
}

// nsenterPath returns the file nsenter would open for a TYPE:INODE target,
// or, when there is none, why not ("net namespace 4026532252 is held only by
// a socket (fd 5 of pid 9865)"); found is false when the snapshot lacks the
// namespace. path and why are "" for other targets.
func (s EnterSpec) nsenterPath() (path, why string, found bool) {
	ref := s.TargetNS
	if ref.IsZero() {
		return "", "", false
	}
	var ns *Namespace
	if s.Snapshot != nil {
		ns = s.Snapshot.Find(ref.Type, ref.Ino)
	}
	switch {
	case ns == nil:
		return "", fmt.Sprintf("namespace %s not found: it is gone, or run as root to see it (nstui ls)", ref), false
	case ns.Path != "":
		return ns.Path, "", true
	}
	what := fmt.Sprintf("%s namespace %d", ref.Type, ref.Ino)
	var socks, children []string
	for _, h := range ns.Holders {
		switch h.Kind {
		case HeldBySocket:
			socks = append(socks, fmt.Sprintf("fd %d of pid %d", h.FD, h.PID))
		case HeldByChild:
			if c := s.Snapshot.ByID(h.Child); c != nil {
				children = append(children, fmt.Sprintf("%s:%d", c.Type, c.ID.Ino))
			}
		}
	}
	switch {
	case len(socks) == 1:
		return "", fmt.Sprintf("%s is held only by a socket (%s)", what, socks[0]), true
	case len(socks) > 1:
		return "", fmt.Sprintf("%s is held only by %d sockets (%s, ...)", what, len(socks), socks[0]), true
	case len(children) == 1:
		return "", fmt.Sprintf("%s is held only by its child namespace %s", what, children[0]), true
	case len(children) > 1:
		return "", fmt.Sprintf("%s is held only by %d child namespaces (%s, ...)", what, len(children), children[0]), true
	}
	return "", what + " has no path to open", true
}

// enterQuote quotes s for a POSIX shell when it needs it.
func enterQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ':' || r == ',' || r == '+' || r == '@' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
