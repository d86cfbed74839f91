// Package ptyshell runs a program on its own pseudo-terminal with a terminal
// emulator, so a UI can show it as a pane: start any *exec.Cmd, send it keys,
// pastes and mouse events, resize it, read its screen, scrollback and exit
// status, and close it leaving no process, goroutine or fd behind.
//
// It does not import Bubble Tea; its Key and Mouse types carry the same
// values as Bubble Tea v2's so the UI maps them one to one.
//
// # Concurrency
//
// A Session is safe for concurrent use. One mutex inside it guards the
// emulator: the reader goroutine holds it while it feeds output, and the
// accessors (Rows, Text, Cursor...) hold it while they read, so a UI calls
// them from its update loop at any time. Input never blocks the caller:
// WriteInput and friends write to the PTY at once when it takes the bytes
// without blocking and nothing is queued before them; otherwise they queue
// the bytes, in order, for a writer goroutine, which also carries the
// emulator's replies. Changed delivers coalesced change notices.
package ptyshell

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Options configure a Session.
type Options struct {
	// Rows and Cols are the initial size (default 24x80).
	Rows, Cols int
	// Scrollback is the number of history lines kept (0 means
	// DefaultScrollback, negative means none).
	Scrollback int
	// Term is the TERM value given to the program (default
	// "xterm-256color"); "-" leaves the command's environment alone.
	Term string
	// CloseGrace is how long Close waits after SIGHUP before SIGKILL
	// (default 500ms).
	CloseGrace time.Duration
	// FrameInterval is the shortest time between two change notices
	// (default 1/60 s; negative: no pacing). Output arriving meanwhile is
	// folded into the next notice.
	FrameInterval time.Duration
	// NewEmulator builds the emulator (default NewNativeEmulator).
	NewEmulator EmulatorFactory
	// Logf receives diagnostics (emulator panics, dropped replies), from
	// the session's goroutines, so it must be safe for concurrent use; nil
	// discards them.
	Logf func(format string, args ...any)
}

// ErrInputBacklog is returned when the program has not read its input for so
// long that the input queue is full.
var ErrInputBacklog = errors.New("ptyshell: input queue full (the program is not reading its input)")

const (
	inputQueue = 256
	readBuf    = 32 << 10
	// feedChunk bounds how long the reader holds the emulator lock, so
	// the UI can render between pieces of a big burst of output (x/vt
	// needs a few milliseconds for 1 KiB of scrolling text).
	feedChunk = 1 << 10
	// drainWait is how long the exit waiter lets the reader catch up with
	// the last output before reporting the exit.
	drainWait = 250 * time.Millisecond
)

// Session is one program on its own PTY with a terminal emulator.
type Session struct {
	cmd  *exec.Cmd
	ptm  *os.File
	ptmc syscall.RawConn // ptm's raw fd, for writes that must not block
	pid  int
	logf func(string, ...any)
	opts Options

	mu  sync.Mutex // guards emu
	emu Emulator

	changed chan struct{} // capacity 1: at most one pending notice
	dirty   chan struct{} // capacity 1: output arrived since the last notice
	done    chan struct{} // closed when the program has exited
	input   chan []byte   // bytes for the program (keys, pastes, replies)
	// qmu orders the bytes that go to the master: it is held while bytes
	// are queued, and by writeNow from its check that the queue is empty
	// until what the master did not take is queued, so nothing (an
	// emulator reply) gets between the two parts.
	qmu    sync.Mutex
	queued atomic.Int32  // chunks in input or being written by the writer
	quit   chan struct{} // closed by Close

	readerDone   chan struct{}
	writerDone   chan struct{}
	notifierDone chan struct{}

	exitCode int // valid once done is closed
	waitErr  error

	closeOnce sync.Once
	closeErr  error
}

// Start runs cmd on a new PTY of the given size. The command's Stdin,
// Stdout and Stderr must be nil: the PTY provides them. Its SysProcAttr is
// kept (namespaces, credentials...) with Setsid, Setctty and Ctty set so the
// program leads a new session with the PTY as its controlling terminal
// (Setpgid and Foreground are cleared: a session leader cannot change its
// process group, and it is in the foreground already).
func Start(cmd *exec.Cmd, o Options) (*Session, error) {
	if cmd == nil {
		return nil, errors.New("ptyshell: start: nil command")
	}
	if cmd.Stdin != nil || cmd.Stdout != nil || cmd.Stderr != nil {
		return nil, errors.New("ptyshell: start: cmd.Stdin/Stdout/Stderr must be nil, the PTY provides them")
	}
	if cmd.Process != nil {
		return nil, errors.New("ptyshell: start: command already started")
	}
	if o.Rows <= 0 {
		o.Rows = 24
	}
	if o.Cols <= 0 {
		o.Cols = 80
	}
	if o.Scrollback == 0 {
		o.Scrollback = DefaultScrollback
	} else if o.Scrollback < 0 {
		o.Scrollback = 0
	}
	if o.Term == "" {
		o.Term = "xterm-256color"
	}
	if o.CloseGrace <= 0 {
		o.CloseGrace = 500 * time.Millisecond
	}
	if o.FrameInterval == 0 {
		o.FrameInterval = time.Second / 60
	}
	if o.NewEmulator == nil {
		o.NewEmulator = NewNativeEmulator
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}

	ptm, tty, err := openPTY()
	if err != nil {
		return nil, fmt.Errorf("ptyshell: start %s: %w", cmd.Path, err)
	}
	if err := setWinsize(ptm, o.Rows, o.Cols); err != nil {
		_ = ptm.Close()
		_ = tty.Close()
		return nil, fmt.Errorf("ptyshell: start %s: %w", cmd.Path, err)
	}

	attr := &syscall.SysProcAttr{}
	if cmd.SysProcAttr != nil {
		a := *cmd.SysProcAttr
		attr = &a
	}
	attr.Setsid = true
	attr.Setctty = true
	attr.Ctty = 0 // the child's stdin, which is the tty
	attr.Setpgid = false
	attr.Foreground = false
	attr.Noctty = false
	cmd.SysProcAttr = attr
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	if o.Term != "-" {
		env := cmd.Env
		if env == nil {
			env = os.Environ()
		}
		cmd.Env = setEnv(env, "TERM", o.Term)
	}

	s := &Session{
		cmd:        cmd,
		ptm:        ptm,
		logf:       logf,
		opts:       o,
		changed:    make(chan struct{}, 1),
		dirty:      make(chan struct{}, 1),
		done:       make(chan struct{}),
		input:      make(chan []byte, inputQueue),
		quit:       make(chan struct{}),
		readerDone: make(chan struct{}),
		writerDone: make(chan struct{}),

		notifierDone: make(chan struct{}),
	}
	s.emu = o.NewEmulator(o.Rows, o.Cols, o.Scrollback, s.queueReply, logf)
	if s.ptmc, err = ptm.SyscallConn(); err != nil {
		_ = ptm.Close()
		_ = tty.Close()
		_ = s.emu.Close()
		return nil, fmt.Errorf("ptyshell: start %s: %w", cmd.Path, err)
	}

	err = cmd.Start()
	_ = tty.Close() // the child has its copies; ours would keep the slave open
	if err != nil {
		_ = ptm.Close()
		_ = s.emu.Close()
		return nil, fmt.Errorf("ptyshell: start %s: %w", cmd.Path, err)
	}
	s.pid = cmd.Process.Pid

	go s.reader()
	go s.writer()
	go s.waiter()
	go s.notifier()
	return s, nil
}

func setEnv(env []string, key, val string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+val)
}

// reader feeds the program's output to the emulator and posts change
// notices. It ends on EIO (every slave fd closed) or when Close closes the
// master.
func (s *Session) reader() {
	defer close(s.readerDone)
	buf := make([]byte, readBuf)
	for {
		n, err := s.ptm.Read(buf)
		for p := buf[:n]; len(p) > 0; {
			c := min(len(p), feedChunk)
			s.mu.Lock()
			_, _ = s.emu.Write(p[:c])
			s.mu.Unlock()
			p = p[c:]
		}
		if n > 0 {
			s.notify()
		}
		if err != nil {
			return
		}
	}
}

// notify records that the screen changed; the notifier turns that into a
// paced change notice.
func (s *Session) notify() {
	select {
	case s.dirty <- struct{}{}:
	default:
	}
}

// notifier posts change notices: at most one pending, and at most one per
// FrameInterval, so a burst of output costs the UI one redraw a frame.
func (s *Session) notifier() {
	defer close(s.notifierDone)
	var last time.Time
	for {
		select {
		case <-s.quit:
			return
		case <-s.dirty:
		}
		if wait := s.opts.FrameInterval - time.Since(last); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-s.quit:
				t.Stop()
				return
			case <-t.C:
			}
		}
		last = time.Now()
		select {
		case s.changed <- struct{}{}:
		default:
		}
	}
}

// writer owns all writes to the master: typed input and emulator replies, in
// order. A program that stops reading blocks only this goroutine.
func (s *Session) writer() {
	defer close(s.writerDone)
	for {
		select {
		case <-s.quit:
			return
		case b := <-s.input:
			for len(b) > 0 {
				n, err := s.ptm.Write(b)
				if err != nil {
					// EIO once the program is gone, ErrClosed after
					// Close: drop the input, keep serving until quit.
					break
				}
				b = b[n:]
			}
			s.queued.Add(-1)
		}
	}
}

// waiter reaps the program and records its exit status.
func (s *Session) waiter() {
	err := s.cmd.Wait()
	code := 0
	if ps := s.cmd.ProcessState; ps != nil {
		if ws, ok := ps.Sys().(syscall.WaitStatus); ok {
			switch {
			case ws.Signaled():
				code = 128 + int(ws.Signal())
			case ws.Exited():
				code = ws.ExitStatus()
			}
		}
	} else if err != nil {
		code = -1
	}
	// Let the reader put the program's last words on the screen first.
	select {
	case <-s.readerDone:
	case <-time.After(drainWait):
	}
	s.exitCode = code
	s.waitErr = err
	close(s.done)
	s.notify()
}

// queueReply is the emulator's reply function: it must not block, so when the
// queue is full the reply is dropped.
func (s *Session) queueReply(b []byte) {
	if !s.enqueue(b) {
		s.logf("ptyshell: dropped a %d-byte terminal reply: input queue full", len(b))
	}
}

// enqueue hands b to the writer goroutine; it reports false when the queue
// is full.
func (s *Session) enqueue(b []byte) bool {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	return s.enqueueLocked(b)
}

// enqueueLocked is enqueue with qmu held.
func (s *Session) enqueueLocked(b []byte) bool {
	s.queued.Add(1)
	select {
	case s.input <- b:
		return true
	default:
		s.queued.Add(-1)
		return false
	}
}

// writeNow writes p straight to the master when nothing is queued or being
// written and the master takes it without blocking, so a typed key reaches
// the program without waiting for the writer goroutine to be scheduled (on
// a busy machine that wait cost 3-4 ms for about one key in a hundred).
// What the master does not take is queued after it. It reports false when
// it wrote nothing (bytes are queued or being written): queue p instead.
func (s *Session) writeNow(p []byte) (bool, error) {
	s.qmu.Lock() // held for a non-blocking write at most
	defer s.qmu.Unlock()
	if s.queued.Load() != 0 {
		// Queued bytes go first; and the writer goroutine, which may be
		// waiting for room inside a write, holds the fd's write lock.
		return false, nil
	}
	var n int
	var werr error
	if err := s.ptmc.Write(func(fd uintptr) bool {
		n, werr = unix.Write(int(fd), p)
		return true // never wait for room: the writer goroutine does that
	}); err != nil {
		return false, nil // closed: the queue path reports it
	}
	switch {
	case werr == nil && n == len(p):
		return true, nil
	case werr != nil && werr != unix.EAGAIN && werr != unix.EINTR:
		return true, nil // EIO: the program is gone; dropped, as the writer does
	}
	// The queue is empty and qmu held: the rest always fits.
	if !s.enqueueLocked(append([]byte(nil), p[max(n, 0):]...)) {
		return true, ErrInputBacklog
	}
	return true, nil
}

// WriteInput sends raw bytes to the program, as if typed: straight to the
// PTY when it can, else queued after what is waiting. It never blocks.
func (s *Session) WriteInput(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	select {
	case <-s.quit:
		return ErrClosed
	default:
	}
	if done, err := s.writeNow(p); done {
		return err
	}
	if !s.enqueue(append([]byte(nil), p...)) {
		return ErrInputBacklog
	}
	return nil
}

// SendKey sends one key press, encoded for the program's current modes.
func (s *Session) SendKey(k Key) error {
	s.mu.Lock()
	b := s.emu.EncodeKey(k)
	s.mu.Unlock()
	return s.WriteInput(b)
}

// Paste sends pasted text, bracketed when the program enabled bracketed
// paste.
func (s *Session) Paste(text string) error {
	s.mu.Lock()
	b := s.emu.EncodePaste(text)
	s.mu.Unlock()
	return s.WriteInput(b)
}

// SendMouse sends a mouse event if the program asked for that kind of event;
// it reports whether the event was sent.
func (s *Session) SendMouse(m Mouse) (bool, error) {
	s.mu.Lock()
	b := s.emu.EncodeMouse(m)
	s.mu.Unlock()
	if b == nil {
		return false, nil
	}
	return true, s.WriteInput(b)
}

// SendFocus reports focus in or out if the program asked for focus events.
func (s *Session) SendFocus(focused bool) error {
	s.mu.Lock()
	b := s.emu.EncodeFocus(focused)
	s.mu.Unlock()
	return s.WriteInput(b)
}

// Resize changes the size of the emulator, then of the PTY, so the program
// gets SIGWINCH and reads the new size.
func (s *Session) Resize(rows, cols int) error {
	if rows < 1 || cols < 1 || rows > 0xffff || cols > 0xffff {
		return fmt.Errorf("ptyshell: resize to %dx%d: size out of range", cols, rows)
	}
	select {
	case <-s.quit:
		return ErrClosed
	default:
	}
	s.mu.Lock()
	s.emu.Resize(rows, cols)
	s.mu.Unlock()
	s.notify()
	return setWinsize(s.ptm, rows, cols)
}

// Changed returns the channel of change notices: one is pending at most,
// whatever the amount of output since it was posted, and they come at most
// once per Options.FrameInterval. Receive, then read the screen.
func (s *Session) Changed() <-chan struct{} { return s.changed }

// Done is closed when the program has exited (after its last output was
// fed to the emulator, or a short drain time).
func (s *Session) Done() <-chan struct{} { return s.done }

// ExitStatus returns the program's exit code (128+N when signal N killed it)
// and whether it has exited.
func (s *Session) ExitStatus() (code int, exited bool) {
	select {
	case <-s.done:
		return s.exitCode, true
	default:
		return 0, false
	}
}

// Pid returns the program's process id (it leads its own session and
// process group).
func (s *Session) Pid() int { return s.pid }

// Close ends the session: SIGHUP (and SIGCONT) to the program's process
// group, hang-up of the PTY, a grace period (Options.CloseGrace), then
// SIGKILL to every process still in the program's session. It returns when
// the program is reaped and every goroutine of the session has ended. It is
// safe to call more than once and after the program exited.
func (s *Session) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Session) close() error {
	close(s.quit)
	select {
	case <-s.done:
	default:
		_ = unix.Kill(-s.pid, unix.SIGHUP)
		_ = unix.Kill(-s.pid, unix.SIGCONT)
	}
	// Closing the master hangs up the slave (the kernel SIGHUPs the
	// foreground group) and ends the reader's and writer's pending I/O.
	err := s.ptm.Close()
	timer := time.NewTimer(s.opts.CloseGrace)
	select {
	case <-s.done:
	case <-timer.C:
	}
	timer.Stop()
	// Whatever is left of the session (background jobs in other process
	// groups, or a program ignoring SIGHUP) is killed. Once the program is
	// reaped its pid may be reused, but not while any process still has it
	// as session or group id: so if a process with that pid exists after
	// the reap, it is a stranger and the old session is empty.
	reaped := false
	select {
	case <-s.done:
		reaped = true
	default:
	}
	if !reaped || !pidExists(s.pid) {
		killSession(s.pid, unix.SIGKILL)
	}
	<-s.done
	<-s.readerDone
	<-s.writerDone
	<-s.notifierDone
	s.mu.Lock()
	_ = s.emu.Close()
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("ptyshell: close pty: %w", err)
	}
	return nil
}

// Size returns the screen size.
func (s *Session) Size() (rows, cols int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Size()
}

// Rows returns the visible rows as styled strings (see Emulator.Rows).
func (s *Session) Rows(dst []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Rows(dst)
}

// ChangedRows appends the rows changed since the previous call (see
// Emulator.ChangedRows).
func (s *Session) ChangedRows(dst []int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.ChangedRows(dst)
}

// Text returns the visible screen as plain text.
func (s *Session) Text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Text()
}

// Cell returns the cell at row, col.
func (s *Session) Cell(row, col int) (Cell, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Cell(row, col)
}

// Cursor returns the cursor.
func (s *Session) Cursor() Cursor {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Cursor()
}

// AltScreen reports whether the program uses the alternate screen.
func (s *Session) AltScreen() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.AltScreen()
}

// Title returns the window title the program set.
func (s *Session) Title() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Title()
}

// Bells returns the number of BELs the program printed.
func (s *Session) Bells() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Bells()
}

// Modes returns the program's input modes (bracketed paste, mouse...).
func (s *Session) Modes() Modes {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Modes()
}

// ScrollbackLen returns the number of scrollback lines.
func (s *Session) ScrollbackLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.ScrollbackLen()
}

// ScrollbackLine returns scrollback line i (0 = oldest) with styles.
func (s *Session) ScrollbackLine(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.ScrollbackLine(i)
}

// ScrollbackText returns scrollback line i (0 = oldest) as plain text.
func (s *Session) ScrollbackText(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.ScrollbackText(i)
}
