// Command ptybench compares an nstui pane (ptyshell + its emulator) with a
// tmux pane on the same machine in one run:
//
//   - throughput: `seq 1 N; echo MARK-$((6*7))` until MARK-42 is on the
//     screen (ours: the emulated screen; tmux: capture-pane), with a raw PTY
//     read (no emulation) as the kernel's floor;
//   - latency: a character typed into bash until its echo is on the screen
//     (ours: the emulated cell; tmux: the attached client's output, read
//     from an outer PTY).
//
// Wall times depend on the machine's load; the ratios in one run and the
// CPU times are the figures to compare. bench/pty-vs-tmux.sh runs it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/nstui/nstui/ptyshell"
)

func main() {
	mode := flag.String("mode", "all", "throughput, latency or all")
	runs := flag.Int("runs", 3, "repetitions of the throughput test")
	lines := flag.Int("lines", 200000, "lines of seq output")
	keys := flag.Int("keys", 100, "keystrokes for the latency test")
	gap := flag.Duration("keygap", 50*time.Millisecond, "pause between keystrokes (a fast typist: 50ms)")
	rows := flag.Int("rows", 36, "pane rows")
	cols := flag.Int("cols", 120, "pane columns")
	flag.Parse()
	if _, err := exec.LookPath("tmux"); err != nil {
		fmt.Fprintln(os.Stderr, "ptybench: tmux not found: install tmux to compare against it")
		os.Exit(2)
	}
	b := bench{rows: *rows, cols: *cols, gap: *gap, sock: fmt.Sprintf("ptybench-%d", os.Getpid())}
	defer b.killTmux()
	var err error
	if *mode == "all" || *mode == "throughput" {
		err = errors.Join(err, b.throughput(*runs, *lines))
	}
	if *mode == "all" || *mode == "latency" {
		err = errors.Join(err, b.latency(*keys))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ptybench:", err)
		b.killTmux()
		os.Exit(1)
	}
}

type bench struct {
	rows, cols int
	gap        time.Duration // between keystrokes
	sock       string        // tmux -L socket name, ours only
}

func (b *bench) tmux(args ...string) *exec.Cmd {
	cmd := exec.Command("tmux", append([]string{"-L", b.sock, "-f", "/dev/null"}, args...)...)
	cmd.Env = append(os.Environ(), "TMUX=")
	return cmd
}

// killTmux stops only the tmux server of our own socket, and removes the
// socket file (tmux leaves it behind when killed).
func (b *bench) killTmux() {
	_ = b.tmux("kill-server").Run()
	dir := os.Getenv("TMUX_TMPDIR")
	if dir == "" {
		dir = "/tmp"
	}
	_ = os.Remove(fmt.Sprintf("%s/tmux-%d/%s", dir, os.Getuid(), b.sock))
}

// cpuOf returns user+system CPU time of pid from /proc/pid/stat.
func cpuOf(pid int) time.Duration {
	st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	sy, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+sy) * (time.Second / 100) // USER_HZ is 100 on Linux
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func pct(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func (b *bench) script(lines int) string {
	return fmt.Sprintf("seq 1 %d; echo MARK-$((6*7)); exec sleep 1000", lines)
}

func (b *bench) throughput(runs, lines int) error {
	fmt.Printf("== throughput: seq 1 %d; echo MARK-$((6*7)) until MARK-42 shows (%dx%d)\n", lines, b.cols, b.rows)
	var floor, ours, tm, oursCPU, tmCPU []time.Duration
	for r := range runs {
		f, err := b.rawFloor(lines)
		if err != nil {
			return err
		}
		o, oc, err := b.oursThroughput(lines)
		if err != nil {
			return err
		}
		t, tc, err := b.tmuxThroughput(lines)
		if err != nil {
			return err
		}
		floor, ours, tm = append(floor, f), append(ours, o), append(tm, t)
		oursCPU, tmCPU = append(oursCPU, oc), append(tmCPU, tc)
		fmt.Printf("run %d: raw pty %s | ptyshell %s (cpu %s) | tmux %s (server cpu %s) | ptyshell/tmux %.1fx\n",
			r+1, ms(f), ms(o), ms(oc), ms(t), ms(tc), float64(o)/float64(t))
	}
	fmt.Printf("median: raw pty %s | ptyshell %s (cpu %s) | tmux %s (cpu %s)\n", ms(median(floor)), ms(median(ours)), ms(median(oursCPU)), ms(median(tm)), ms(median(tmCPU)))
	fmt.Printf("RATIO throughput ptyshell/tmux wall %.1fx, cpu %.1fx\n\n",
		float64(median(ours))/float64(median(tm)), float64(median(oursCPU))/float64(max(median(tmCPU), time.Millisecond)))
	return nil
}

// rawFloor reads the output from a PTY without any emulation: the kernel's
// and seq's share of the time.
func (b *bench) rawFloor(lines int) (time.Duration, error) {
	start := time.Now()
	cmd := exec.Command("sh", "-c", b.script(lines))
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: uint16(b.rows), Cols: uint16(b.cols)})
	if err != nil {
		return 0, fmt.Errorf("raw pty: %w", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = f.Close(); _ = cmd.Wait() }()
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := f.Read(buf)
		tail = append(tail, buf[:n]...)
		if bytes.Contains(tail, []byte("MARK-42")) {
			return time.Since(start), nil
		}
		if len(tail) > 16 {
			tail = append(tail[:0], tail[len(tail)-16:]...)
		}
		if err != nil {
			return 0, fmt.Errorf("raw pty: %w", err)
		}
	}
}

func (b *bench) oursThroughput(lines int) (time.Duration, time.Duration, error) {
	cpu0 := selfCPU()
	start := time.Now()
	s, err := ptyshell.Start(exec.Command("sh", "-c", b.script(lines)), ptyshell.Options{Rows: b.rows, Cols: b.cols})
	if err != nil {
		return 0, 0, err
	}
	defer s.Close()
	deadline := time.After(10 * time.Minute)
	for {
		select {
		case <-s.Changed():
			if strings.Contains(s.Text(), "MARK-42") {
				return time.Since(start), selfCPU() - cpu0, nil
			}
		case <-deadline:
			return 0, 0, errors.New("ptyshell: MARK-42 never showed")
		}
	}
}

func (b *bench) tmuxServerPid() int {
	out, err := b.tmux("display-message", "-p", "#{pid}").Output()
	if err != nil {
		return 0
	}
	p, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return p
}

func (b *bench) tmuxThroughput(lines int) (time.Duration, time.Duration, error) {
	b.killTmux()
	// Start the server with an idle session first, so its start-up is not
	// counted and its CPU time can be read before and after.
	if out, err := b.tmux("new-session", "-d", "-s", "idle", "-x", "20", "-y", "5", "sleep 1000").CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("tmux: %v: %s", err, out)
	}
	defer b.killTmux()
	spid := b.tmuxServerPid()
	cpu0 := cpuOf(spid)
	start := time.Now()
	if out, err := b.tmux("new-session", "-d", "-s", "run", "-x", strconv.Itoa(b.cols), "-y", strconv.Itoa(b.rows), b.script(lines)).CombinedOutput(); err != nil {
		return 0, 0, fmt.Errorf("tmux: %v: %s", err, out)
	}
	deadline := time.Now().Add(10 * time.Minute)
	for time.Now().Before(deadline) {
		out, err := b.tmux("capture-pane", "-p", "-t", "run").Output()
		if err == nil && bytes.Contains(out, []byte("MARK-42")) {
			return time.Since(start), cpuOf(spid) - cpu0, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0, 0, errors.New("tmux: MARK-42 never showed")
}

const typed = "vwxyz"

func (b *bench) latency(keys int) error {
	fmt.Printf("== latency: a character typed into bash until its echo is on the screen (%d keys, %v apart)\n", keys, b.gap)
	ours, err := b.oursLatency(keys)
	if err != nil {
		return err
	}
	tm, err := b.tmuxLatency(keys)
	if err != nil {
		return err
	}
	fmt.Printf("ptyshell: p50 %s p90 %s p99 %s\n", ms(pct(ours, .5)), ms(pct(ours, .9)), ms(pct(ours, .99)))
	fmt.Printf("tmux    : p50 %s p90 %s p99 %s\n", ms(pct(tm, .5)), ms(pct(tm, .9)), ms(pct(tm, .99)))
	fmt.Printf("RATIO latency ptyshell/tmux p50 %.2fx, p99 %.2fx\n\n", float64(pct(ours, .5))/float64(pct(tm, .5)), float64(pct(ours, .99))/float64(pct(tm, .99)))
	return nil
}

func bashCmd() *exec.Cmd {
	cmd := exec.Command("bash", "--norc", "--noprofile", "-i")
	cmd.Env = append(os.Environ(), "PS1=$ ", "HISTFILE=/dev/null", "PROMPT_COMMAND=", "TMUX=")
	return cmd
}

func (b *bench) oursLatency(keys int) ([]time.Duration, error) {
	s, err := ptyshell.Start(bashCmd(), ptyshell.Options{Rows: b.rows, Cols: b.cols})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	// The screen counts as updated when the session's change notice
	// arrives, as in the UI (notices are paced to one a frame).
	wait := func(cond func() bool) error {
		deadline := time.After(30 * time.Second)
		for !cond() {
			select {
			case <-s.Changed():
			case <-deadline:
				return fmt.Errorf("ptyshell: screen never showed the echo:\n%s", s.Text())
			}
		}
		return nil
	}
	if err := wait(func() bool { c := s.Cursor(); cell, _ := s.Cell(c.Row, 0); return cell.Text == "$" && c.Col == 2 }); err != nil {
		return nil, err
	}
	row := s.Cursor().Row
	var out []time.Duration
	col := 2
	for i := range keys {
		if col > 60 {
			_ = s.SendKey(ptyshell.Key{Code: 'u', Mod: ptyshell.ModCtrl})
			if err := wait(func() bool { c, _ := s.Cell(row, 2); return c.Text == " " || c.Text == "" }); err != nil {
				return nil, err
			}
			col = 2
		}
		ch := string(typed[i%len(typed)])
		start := time.Now()
		if err := s.SendKey(ptyshell.Key{Code: rune(ch[0]), Text: ch}); err != nil {
			return nil, err
		}
		c := col
		if err := wait(func() bool { cell, _ := s.Cell(row, c); return cell.Text == ch }); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
		col++
		time.Sleep(b.gap)
	}
	return out, nil
}

// tmuxLatency attaches a tmux client in an outer PTY and reads what the
// client draws: a keystroke counts as shown when the client writes it.
func (b *bench) tmuxLatency(keys int) ([]time.Duration, error) {
	b.killTmux()
	defer b.killTmux()
	// Escape sequences in the client's output, removed before looking for
	// the typed character.
	csiRe := regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMc])`)
	cmd := b.tmux("new-session", "-x", strconv.Itoa(b.cols), "-y", strconv.Itoa(b.rows), "env PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile -i", ";", "set", "status", "off")
	cmd.Env = append(bashCmd().Env, "TERM=xterm-256color")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: uint16(b.rows), Cols: uint16(b.cols)})
	if err != nil {
		return nil, fmt.Errorf("tmux client: %w", err)
	}
	defer func() { _ = f.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	chunks := make(chan []byte, 1024)
	go func() {
		defer close(chunks)
		buf := make([]byte, 64<<10)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				chunks <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				return
			}
		}
	}()
	// readUntil reads client output until the text (escape sequences
	// removed) contains want.
	readUntil := func(want string, timeout time.Duration) error {
		var acc []byte
		deadline := time.After(timeout)
		for {
			select {
			case c, ok := <-chunks:
				if !ok {
					return errors.New("tmux client exited")
				}
				acc = append(acc, c...)
				if strings.Contains(csiRe.ReplaceAllString(string(acc), ""), want) {
					return nil
				}
			case <-deadline:
				return fmt.Errorf("tmux: %q never drawn (got %q)", want, acc)
			}
		}
	}
	drain := func(quiet time.Duration) {
		for {
			select {
			case _, ok := <-chunks:
				if !ok {
					return
				}
			case <-time.After(quiet):
				return
			}
		}
	}
	if err := readUntil("$ ", 30*time.Second); err != nil {
		return nil, err
	}
	drain(300 * time.Millisecond)
	var out []time.Duration
	col := 2
	for i := range keys {
		if col > 60 {
			_, _ = f.Write([]byte{0x15})
			drain(100 * time.Millisecond)
			col = 2
		}
		ch := string(typed[i%len(typed)])
		start := time.Now()
		if _, err := f.Write([]byte(ch)); err != nil {
			return nil, err
		}
		if err := readUntil(ch, 30*time.Second); err != nil {
			return nil, err
		}
		out = append(out, time.Since(start))
		col++
		drain(b.gap)
	}
	return out, nil
}
