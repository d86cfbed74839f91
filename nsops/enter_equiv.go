package nsops

import (
	"fmt"
	"strings"
)

// Equivalent returns the util-linux nsenter command line that does what the
// spec does (nsenter --print-equivalent). A TYPE:INODE target is rendered with
// the path discovery found for it, when the spec carries a snapshot; a bare
// namespace file is opened to learn its type.
func (s EnterSpec) Equivalent() string {
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
		target = s.TargetPath
		if len(s.Types) == 1 {
			targetType = s.Types[0]
		} else if t, ok := nsTypeOfFile(target); ok {
			targetType = t // the kernel knows the type of a namespace file
		}
	case !s.TargetNS.IsZero():
		targetType = s.TargetNS.Type
		target = "(no path: nstui reaches it through what holds it)"
		if s.Snapshot != nil {
			if ns := s.Snapshot.Find(s.TargetNS.Type, s.TargetNS.Ino); ns != nil && ns.Path != "" {
				target = ns.Path
			}
		}
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
	if target != "" && targetType < 0 {
		// Not a namespace file we can open: nsenter needs the type.
		args = append(args, "--TYPE="+target)
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
