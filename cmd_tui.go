package main

import (
	"errors"
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/tui"
)

// runTUI opens the interactive explorer on the real kernel.
func runTUI(cmd *cobra.Command, _ []string) error {
	prefix, err := prefixKeyFrom(cmd)
	if err != nil {
		return err
	}
	if !term.IsTerminal(os.Stdin.Fd()) || !term.IsTerminal(os.Stdout.Fd()) {
		return errors.New("the interactive UI needs a terminal on stdin and stdout (for plain output use 'nstui ls')")
	}
	src := &liveSource{scanner: nsops.NewScanner()}
	shells := &paneShells{}
	defer shells.CloseAll() // every process a pane started, however the UI ended
	m := tui.New(src, shells.options(prefix, tui.WithNoColor(os.Getenv("NO_COLOR") != ""),
		tui.WithPrivileged(os.Geteuid() == 0))...)
	// 120 ticks a second, so a key typed into a pane shows its echo within
	// one tick (8 ms) plus the shell's time. A frame is only built and
	// parsed when the view changed, and a pane's output changes it at most
	// 60 times a second (ptyshell paces change notices): a burst of output
	// still costs 60 frames a second. Idle, the tick costs little
	// (bench/tui-idle-cpu.sh).
	p := tea.NewProgram(m, tea.WithContext(cmd.Context()), tea.WithFPS(120))
	defer shells.handleSignals(p)()
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("run the terminal UI: %w", err)
	}
	return nil
}

// liveSource is the explorer's view of the real kernel: nsops discovery
// (one Scanner, whose cache makes refreshes cheap) and per-type details.
// The TUI calls Scan from one command at a time, as the Scanner requires.
type liveSource struct {
	scanner *nsops.Scanner
}

// Scan implements tui.Source.
func (s *liveSource) Scan() (*nsops.Snapshot, error) { return s.scanner.Scan() }

// Details implements tui.Source.
func (s *liveSource) Details(snap *nsops.Snapshot, ns *nsops.Namespace) (*nsops.Details, error) {
	return nsops.ReadSnapshotDetails(snap, ns)
}

// Hostnames implements tui.Source.
func (s *liveSource) Hostnames(nss []*nsops.Namespace) map[nsops.NSID]string {
	return nsops.ReadHostnames(nss)
}
