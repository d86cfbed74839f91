package tui

import (
	"time"

	"github.com/nstui/nstui/nsops"
)

// Source is everything the explorer needs from the kernel side. The TUI never
// touches /proc or makes a syscall itself: the command line hands it the real
// implementation (nsops discovery and details), tests hand it a fake built
// from nsops types. Every method is called from a tea.Cmd, never from Update
// or View, so it may block.
type Source interface {
	// Scan returns a fresh immutable snapshot of every namespace and process.
	Scan() (*nsops.Snapshot, error)
	// Details reads the per-type details of one namespace of snap (read
	// from inside it where the kernel requires that), through its members.
	Details(snap *nsops.Snapshot, ns *nsops.Namespace) (*nsops.Details, error)
	// Hostnames reads the hostnames of many uts namespaces at once (for the
	// list's name column and the filter); those it cannot read are left out.
	Hostnames(nss []*nsops.Namespace) map[nsops.NSID]string
}

// Messages. Each carries what it answers so a late reply for an old
// selection is recognised and dropped.

// snapshotMsg carries the result of one Scan.
type snapshotMsg struct {
	snap *nsops.Snapshot
	err  error
	took time.Duration // wall time of the scan
}

// tickMsg fires the next live refresh.
type tickMsg time.Time

// detailsDueMsg ends the short debounce after the selection moved; seq says
// which selection it was for.
type detailsDueMsg struct{ seq int }

// detailsMsg carries one Details read.
type detailsMsg struct {
	id  nsops.NSID
	det *nsops.Details
	err error
}

// hostnamesMsg carries the hostnames of uts namespaces not seen before.
type hostnamesMsg map[nsops.NSID]string
