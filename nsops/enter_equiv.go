package nsops

import (
	"errors"
	"fmt"
	"strings"
)

// Equivalent returns the util-linux nsenter command line that does what the
// spec does (nsenter --print-equivalent). A TYPE:INODE target is rendered with
// the path the spec's discovery snapshot found for it; a namespace file is
// opened to learn its type. When there is no such line (see
// EquivalentError) it returns a shell comment that says why.
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
	args := []string{"nsenter"}
	if s.Target > 0 {
		args = append(args, "--target", fmt.Sprint(s.Target))
	}
	if s.All {
		args = append(args, "--all")
	}
	explicit := map[NSType]bool{}
	for _, t := range s.Types {
		explicit[t] = true
	}
	target := ""
	targetType := NSType(-1)
	switch {
	case s.TargetPath != "":
		target, targetType = s.TargetPath, fileType
	case !s.TargetNS.IsZero():
		targetType = s.TargetNS.Type
		target, _, _ = s.nsenterPath()
	}
	for _, t := range AllTypes() {
		switch {
		case s.Paths[t] != "":
			args = append(args, t.NsenterOption()+"="+s.Paths[t])
		case t == targetType:
			args = append(args, t.NsenterOption()+"="+target)
		case explicit[t] && !s.All:
			args = append(args, t.NsenterOption())
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
// are not repeated here: check it first.
func (s EnterSpec) EquivalentError() error {
	if _, err := s.fileTargetType(); err != nil {
		return err
	}
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
