package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/nstui/nstui/nsops"
	"github.com/nstui/nstui/ptyshell"
	"github.com/nstui/nstui/tui"
)

// prefixKeyEnv overrides the key that leaves a pane when --prefix-key is not
// given.
const prefixKeyEnv = "NSTUI_PREFIX_KEY"

// addPaneFlags adds the panes' flags to the command that runs the UI.
func addPaneFlags(c *cobra.Command) {
	c.Flags().String("prefix-key", "", fmt.Sprintf("key that leaves a shell pane for the explorer, e.g. ctrl+a or f12 (default %s, or $%s)", tui.DefaultPrefixKey, prefixKeyEnv))
}

// prefixKeyFrom returns the prefix key from --prefix-key, else the
// environment, else the default, after checking it can be typed.
func prefixKeyFrom(c *cobra.Command) (string, error) {
	k := ""
	if f := c.Flags().Lookup("prefix-key"); f != nil {
		k = f.Value.String()
	}
	src := "--prefix-key"
	if k == "" {
		k, src = os.Getenv(prefixKeyEnv), "$"+prefixKeyEnv
	}
	if k == "" {
		return tui.DefaultPrefixKey, nil
	}
	pk, err := tui.ParseKeyName(k)
	if err != nil {
		return "", fmt.Errorf("%s %q: %w", src, k, err)
	}
	return pk.Keystroke(), nil
}

// paneShells starts the panes' programs (tui.Shells) and remembers every
// session, so that quitting, SIGTERM, SIGHUP or a crash of the UI ends all
// of them. The tui package never starts a process itself.
type paneShells struct {
	mu       sync.Mutex // guards sessions and closed: the UI's commands and the signal handler both use them
	sessions []*ptyshell.Session
	closed   bool
}

// Spawn implements tui.Shells: new namespaces under nstui's init, on a PTY.
func (p *paneShells) Spawn(spec nsops.SpawnSpec, rows, cols int) (tui.PaneSession, error) {
	spec.Foreground = true // the PTY is made for the command
	cmd, err := spec.Command()
	if err != nil {
		return nil, err
	}
	return p.start(cmd, rows, cols)
}

// Enter implements tui.Shells: existing namespaces through the enter
// helper, on a PTY of its own (so nothing inside can push input into the
// user's terminal).
func (p *paneShells) Enter(spec nsops.EnterSpec, rows, cols int) (tui.PaneSession, error) {
	cmd, err := spec.Command()
	if err != nil {
		return nil, err
	}
	return p.start(cmd, rows, cols)
}

func (p *paneShells) start(cmd *exec.Cmd, rows, cols int) (tui.PaneSession, error) {
	defer func() {
		// The child has its copies (pidfd, namespace files).
		for _, f := range cmd.ExtraFiles {
			_ = f.Close()
		}
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, errors.New("nstui is quitting")
	}
	s, err := ptyshell.Start(cmd, ptyshell.Options{Rows: rows, Cols: cols})
	if err != nil {
		return nil, err
	}
	p.sessions = append(p.sessions, s)
	return s, nil
}

// CloseAll ends every session in parallel (SIGHUP, a short grace, SIGKILL
// to what is left of each session) and refuses new ones. It returns when
// every program is reaped.
func (p *paneShells) CloseAll() {
	p.mu.Lock()
	p.closed = true
	// Keep the list: a second caller (the signal handler and the exit path
	// race) waits in Close for the first one's close to finish.
	sessions := append([]*ptyshell.Session(nil), p.sessions...)
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Go(func() { _ = s.Close() })
	}
	wg.Wait()
}

// options returns the UI options the panes need, after the given ones.
func (p *paneShells) options(prefix string, opts ...tui.Option) []tui.Option {
	return append(opts, tui.WithShells(p), tui.WithPrefixKey(prefix), tui.WithSelfPID(os.Getpid()))
}

// handleSignals ends every pane's program on SIGTERM or SIGHUP (the
// terminal went away) and stops the UI. Bubble Tea restores the terminal on
// its way out, also after a panic in the UI. The returned func stops
// listening.
func (p *paneShells) handleSignals(prog *tea.Program) func() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			p.CloseAll()
			prog.Quit()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sig)
		close(done)
	}
}
