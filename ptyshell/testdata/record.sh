#!/usr/bin/env bash
# record.sh — re-record the byte streams the differential emulator test
# (ptyshell/difftest_test.go) replays: real programs on a pseudo-terminal of a
# fixed size, driven by scripted keystrokes, their output kept exactly as read
# from the PTY master, chunk by chunk, with the resizes in between.
#
# Usage: ptyshell/testdata/record.sh [name...]   (default: every stream)
# Needs bash, vim, less, top, htop, dialog, git, python3 (only to re-record;
# the test itself needs none of them). Writes testdata/streams/<name>.stream.gz.
#
# Stream format (gzip of):
#   nstui-stream 1
#   size ROWS COLS
#   then records, one per line header:
#     D N\n<N bytes>\n   output bytes, one read of the PTY master
#     R ROWS COLS\n      the terminal was resized here (TIOCSWINSZ)
#     C LABEL\n          checkpoint: the program settled after a scripted step
#                        (the test compares the emulators' screens here)
#
# Every program runs with TERM=xterm-256color, LANG=C.UTF-8, HOME set to a
# scratch directory holding fixed files, and no rc files. Queries the programs
# send (DA, DSR...) are not answered, as on a terminal that ignores them.
# Timing-dependent output (top's clock, ls dates) differs between recordings;
# the test compares two emulators on the same bytes, so that does not matter.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$here/streams
mkdir -p "$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 - "$out" "$scratch" "$repo" "$@" <<'PY'
import errno, fcntl, gzip, os, pty, re, select, shutil, signal, struct, sys, termios, time

out, scratch, repo = sys.argv[1], sys.argv[2], sys.argv[3]
only = set(sys.argv[4:])

def winsize(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

class Rec:
    """One program on a PTY: records what it prints, drives it by keys."""
    def __init__(self, name, argv, rows, cols, cwd=None, env=None):
        self.name, self.rows, self.cols = name, rows, cols
        self.events = []
        home = os.path.join(scratch, "home")
        e = {"TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
             "HOME": home, "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
             "HISTFILE": "/dev/null", "USER": "root", "SHELL": "/bin/bash",
             "PROMPT_COMMAND": "", "LESSHISTFILE": "-", "COLUMNS": "", "LINES": ""}
        del e["COLUMNS"], e["LINES"]
        e.update(env or {})
        pid, fd = pty.fork()
        if pid == 0:
            if cwd:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, e)
        self.pid, self.fd = pid, fd
        winsize(fd, rows, cols)
        os.kill(pid, signal.SIGWINCH)
        self.buf = b""  # output since the last expect

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return None
        try:
            b = os.read(self.fd, 65536)
        except OSError as err:
            if err.errno == errno.EIO:
                return b""
            raise
        if b:
            self.events.append(("D", b))
            self.buf += b
        return b

    def quiet(self, secs=0.3, limit=10.0):
        """Read until no output for secs."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            b = self._read(secs)
            if b is None or b == b"":
                return
        raise SystemExit("%s: still printing after %.0f s" % (self.name, limit))

    def run(self, secs):
        """Read whatever comes for secs (programs that refresh on a timer)."""
        end = time.monotonic() + secs
        while time.monotonic() < end:
            if self._read(max(0.0, end - time.monotonic())) == b"":
                return

    def expect(self, pat, limit=10.0):
        """Read until the output since the last expect matches pat."""
        end = time.monotonic() + limit
        rx = re.compile(pat.encode() if isinstance(pat, str) else pat)
        while not rx.search(self.buf):
            if time.monotonic() > end:
                raise SystemExit("%s: timed out waiting for %r; got %r" % (self.name, pat, self.buf[-300:]))
            b = self._read(0.1)
            if b == b"":
                raise SystemExit("%s: program ended waiting for %r" % (self.name, pat))
        self.buf = b""

    def send(self, keys, settle=0.25, expect=None):
        if isinstance(keys, str):
            keys = keys.encode()
        for k in [keys]:
            os.write(self.fd, k)
        if expect:
            self.expect(expect)
        self.quiet(settle)

    def type(self, text, settle=0.25):
        """Type text one key at a time, like a person."""
        for ch in text:
            os.write(self.fd, ch.encode())
            self.quiet(0.02)
        self.quiet(settle)

    def check(self, label):
        self.quiet(0.3)
        self.events.append(("C", label))

    def resize(self, rows, cols, settle=0.4):
        self.quiet(0.1)
        self.events.append(("R", rows, cols))
        winsize(self.fd, rows, cols)
        self.quiet(settle)

    def finish(self, limit=10.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            b = self._read(0.2)
            if b == b"":
                break
            if b is None:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
                if done:
                    # drain what is left
                    while self._read(0.1):
                        pass
                    break
        else:
            os.kill(self.pid, signal.SIGKILL)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)
        self.events.append(("C", "end"))
        path = os.path.join(out, self.name + ".stream.gz")
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(b"nstui-stream 1\nsize %d %d\n" % (self.rows, self.cols))
            for ev in self.events:
                if ev[0] == "D":
                    f.write(b"D %d\n" % len(ev[1]) + ev[1] + b"\n")
                elif ev[0] == "R":
                    f.write(b"R %d %d\n" % (ev[1], ev[2]))
                else:
                    f.write(b"C %s\n" % ev[1].encode())
        n = sum(len(ev[1]) for ev in self.events if ev[0] == "D")
        print("%-10s %7d bytes, %4d chunks, %2d resizes, %2d checkpoints -> %s (%d bytes)" % (
            self.name, n, sum(ev[0] == "D" for ev in self.events), sum(ev[0] == "R" for ev in self.events),
            sum(ev[0] == "C" for ev in self.events), os.path.relpath(path), os.path.getsize(path)))

# Fixed files the programs show.
home = os.path.join(scratch, "home")
work = os.path.join(home, "work")
os.makedirs(os.path.join(work, "subdir"))
for name in ["README.md", "main.go", "notes.txt", "run.sh", "archive.tar.gz", "image.png", "data.json"]:
    with open(os.path.join(work, name), "w") as f:
        f.write("x\n")
os.chmod(os.path.join(work, "run.sh"), 0o755)
os.symlink("README.md", os.path.join(work, "link-to-readme"))
shutil.copy(os.path.join(repo, "ptyshell", "emulator.go"), os.path.join(work, "emulator.go"))
with open(os.path.join(work, "colours.log"), "w") as f:
    for i in range(1, 400):
        f.write("\x1b[2m2026-11-29 10:%02d:%02d\x1b[0m \x1b[1;3%dm%-5s\x1b[0m \x1b[38;5;%dmworker-%d\x1b[0m "
                "request id=\x1b[38;2;%d;%d;200m%08x\x1b[0m took %d ms%s\n" % (
                    i // 60 % 60, i % 60, 1 + i % 6, ["INFO", "WARN", "ERROR", "DEBUG"][i % 4], 16 + i % 216,
                    i % 7, (i * 37) % 256, (i * 91) % 256, i * 2654435761 % (1 << 32), i % 250,
                    " \x1b[4mneedle\x1b[24m" if i % 37 == 0 else ""))
torture = os.path.join(work, "torture.sh")
with open(torture, "w") as f:
    f.write(r'''#!/bin/bash
# One group of sequences per "part": the recorder checkpoints after each.
p() { printf "$@"; }
case $1 in
wide)
  p 'CJK: 日本語のテキスト 中文字符 한국어\r\n'
  p 'combining: e\xcc\x81 a\xcc\x8a n\xcc\x83 o\xcc\x88\xcc\x81 (decomposed)\r\n'
  p 'emoji: \xf0\x9f\x98\x80 \xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd \xf0\x9f\x87\xab\xf0\x9f\x87\xb7 \xe2\x9d\xa4\xef\xb8\x8f end\r\n'
  p 'tabs:\tA\tBB\tCCC\tDDDD\tE\r\n'
  p '\e[3g\e[1;5H\eH\e[1;15H\eH\e[5;1Hcustom\ttab\tstops\r\n\e[g'
  p 'reset tabs\e[3g\ec'
  p 'after RIS\r\n\tdefault\ttabs\r\n'
  # wide char at the last column: must wrap
  p '%078d日本\r\n' 0
  p '%079d日\r\n' 0
  ;;
wrap)
  p '%080d' 0; p 'X\r\n'
  p '%080d\r\n' 1
  p '%079dAB\r\n' 2
  p '\e[?7l%085d|\e[?7h\r\n' 3
  p 'abc\e[5D<-\r\n'
  p '%080d\e[1K\r\n' 4
  p 'line wrapped exactly at the last column%041d' 5; p '\r\n'
  ;;
region)
  p '\e[2J\e[H'
  for i in $(seq 1 22); do p 'row %02d\r\n' $i; done
  p '\e[5;15r\e[15;1H\nscrolled-in-region\e[5;1H\eMreverse-index'
  p '\e[8;1H\e[2Linserted-2\e[12;1H\e[3Mdeleted-3'
  p '\e[r\e[20;1H\e[2@@@\e[21;3H\e[4P\e[22;1H\e[3Xxx'
  p '\e[?6h\e[3;10r\e[1;1Horigin-top\e[20;1Horigin-bottom\e[?6l\e[r'
  p '\e[24;1H\e[3S\e[1Tup-and-down'
  p '\e[4h\e[23;1Hins\e[4l\e[24;80H\e[6n'
  p '\e7\e[10;10Hsaved\e8restored'
  p '\e[2;2H\e[0J\e[1;40H\e[1J\e[1;1Hcleared\e[K'
  p '\e#8'
  p '\e[2J\e[Hdecaln-done\r\n'
  ;;
sgr)
  for a in 1 2 3 4 5 6 7 8 9 21 53; do p "\e[${a}mattr-$a\e[0m "; done; p '\r\n'
  for s in 0 1 2 3 4 5; do p "\e[4:${s}mul:$s\e[0m "; done
  p '\e[4:3;58:2::255:0:0mredcurl\e[59mdefcurl\e[0m \e[58;5;196mul196\e[0m\r\n'
  for c in 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do p "\e[${c}m$c"; done; p '\e[39m\r\n'
  for c in 40 41 42 43 44 45 46 47 100 101 102 103 104 105 106 107; do p "\e[${c}m$c"; done; p '\e[49m\r\n'
  for c in $(seq 0 8 255); do p "\e[38;5;${c}m#"; done; p '\e[0m '
  for c in $(seq 0 8 255); do p "\e[48;5;${c}m "; done; p '\e[0m\r\n'
  for c in $(seq 0 12 255); do p "\e[38;2;$c;$((255-c));128m*"; done; p '\e[0m'
  for c in $(seq 0 12 255); do p "\e[48:2::$c:100:$((255-c))m "; done; p '\e[0m\r\n'
  p '\e[1;2;3;4;5;7;9mall-on\e[22;23;24;25;27;29mall-off\e[0m\r\n'
  p '\e[7m\e[2Kreverse-line-erased\e[0m\r\n'
  p '\e[44m\e[Kblue-bg-erase-to-eol\e[0m\r\n'
  p '\e]8;;https://example.com/x\e\\link\e]8;;\e\\ after-link\r\n'
  p '\e]0;torture title\a\e]2;second title\e\\'
  p '\e[38;5;250m\e[48;2;10;20;30mbg-rgb\e[m plain\r\n'
  ;;
charset)
  p '\e(0lqqqqqk\r\nx abc x\r\nmqqqqqj\e(B ascii\r\n'
  p '\e)0\x0eqqq\x0f back\r\n'
  p '\e(0``aaffgg~~\e(B\r\n'
  ;;
modes)
  p '\e[?1h\e=\e[?2004h\e[?1004h\e[?1002h\e[?1006h\e[?25l'
  p '\e[5 q'
  p 'modes set\r\n'
  ;;
modes-off)
  p '\e[?1l\e>\e[?2004l\e[?1004l\e[?1002l\e[?1006l\e[?25h\e[0 q'
  p 'modes reset\r\n'
  ;;
alt)
  p 'main before alt\r\n'
  p '\e[?1049h\e[H\e[2Jon the alt screen\r\n\e[2;5Hsecond row'
  ;;
alt-off)
  p '\e[?1049lback on main\r\n'
  p '\e[?47hold-alt-47\e[?47l\e[?1047hclear-alt-1047\e[?1047l after\r\n'
  ;;
esac
''')
os.chmod(torture, 0o755)

def want(name):
    return not only or name in only

PS1 = r"\[\e[1;32m\]root@rec\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]$ "
BASH = ["bash", "--norc", "--noprofile", "-i"]

if want("bash"):
    r = Rec("bash", BASH, 24, 80, cwd=work, env={"PS1": PS1})
    r.expect(r"\$ "); r.check("prompt")
    r.send("ls --color=always -la --time-style=+\r", expect=r"\$ $"); r.check("ls -la")
    r.send("ls --color=always\r", expect=r"\$ $"); r.check("ls")
    r.type("echo helo wrold"); r.send("\x01"); r.send("\x1b[C" * 6); r.send("l")
    r.send("\x05"); r.send("\x1b[D" * 3); r.send("\x7f\x7f"); r.type("or"); r.check("line editing")
    r.send("\r", expect=r"\$ $"); r.check("echo")
    r.type("echo a long line that is typed past the right margin of the screen so that it wraps to the next row of the terminal")
    r.check("long line typed"); r.send("\x01"); r.send("\x1b[C" * 90); r.type("INSERTED"); r.check("long line edited")
    r.send("\r", expect=r"\$ $"); r.check("long line")
    r.send("\x12"); r.type("ls --"); r.check("ctrl-r"); r.send("\x12"); r.check("ctrl-r again")
    r.send("\x07"); r.check("ctrl-r cancelled")
    r.send("for i in $(seq 1 40); do echo \"line $i $(printf '%*s' $((i % 30)) '' | tr ' ' '=')\"; done\r", expect=r"\$ $")
    r.check("scrolled")
    r.resize(30, 100); r.check("resized 30x100")
    r.send("seq 1 10 | paste -sd' '\r", expect=r"\$ $"); r.check("after grow")
    r.resize(12, 50); r.check("resized 12x50")
    r.send("printf '%s\\n' $(seq 100 130) | column -c 50\r", expect=r"\$ $"); r.check("after shrink")
    r.resize(24, 80); r.check("resized 24x80")
    r.send("clear\r", expect=r"\$ $"); r.check("clear")
    r.send("exit\r"); r.finish()

if want("vim"):
    r = Rec("vim", ["vim", "-u", "NONE", "-N", "-i", "NONE", "-n", "-c", "syntax on", "-c", "set ruler laststatus=2",
                    "emulator.go"], 24, 80, cwd=work)
    r.expect(r"emulator\.go"); r.check("open")
    r.send("\x06"); r.check("ctrl-f"); r.send("\x04"); r.check("ctrl-d"); r.send("10j"); r.check("10j")
    r.send("\x02"); r.check("ctrl-b")
    r.send("/Emulator\r"); r.check("search")
    r.send("o"); r.type("// inserted: 日本語 and e\u0301 é and an emoji \U0001F600 done"); r.send("\x1b"); r.check("insert")
    r.send(":set number\r"); r.check("number")
    r.send(":split\r"); r.check("split"); r.send("\x17w"); r.send("G"); r.check("split G")
    r.send(":vsplit\r"); r.check("vsplit")
    r.resize(30, 100); r.check("resized 30x100")
    r.resize(20, 70); r.check("resized 20x70")
    r.send(":only\r"); r.send("gg"); r.check("only gg")
    r.send("dd3x"); r.send("u"); r.check("undo")
    r.send(":q!\r"); r.finish()

if want("less"):
    r = Rec("less", ["less", "-R", "colours.log"], 24, 80, cwd=work)
    r.expect(r"colours\.log|:"); r.check("open")
    r.send(" "); r.check("page down"); r.send("j" * 5); r.check("5j"); r.send("b"); r.check("page up")
    r.send("/needle\r"); r.check("search"); r.send("n"); r.check("next")
    r.send("G"); r.check("end"); r.send("g"); r.check("top")
    r.resize(30, 120); r.check("resized 30x120")
    r.send(" "); r.check("page down wide")
    r.resize(15, 60); r.check("resized 15x60")
    r.send("q"); r.finish()

if want("top"):
    r = Rec("top", ["top", "-d", "0.5"], 24, 80)
    r.expect(r"load average"); r.check("first")
    r.run(1.2); r.check("refresh")
    r.resize(30, 110); r.run(1.0); r.check("resized 30x110")
    r.send("c"); r.run(0.8); r.check("command line")
    r.send("1"); r.run(0.8); r.check("cpus")
    r.resize(20, 70); r.run(1.0); r.check("resized 20x70")
    r.send("q"); r.finish()

if want("htop") and shutil.which("htop"):
    r = Rec("htop", ["htop", "-d", "5"], 24, 80)
    r.run(1.5); r.check("first")
    r.send("\x1b[B" * 3); r.check("down 3")
    r.send("t"); r.run(0.8); r.check("tree")
    r.resize(30, 110); r.run(1.0); r.check("resized 30x110")
    r.send("\x1bOP"); r.run(0.8); r.check("help")
    r.send("q"); r.run(0.5); r.check("help closed")
    r.send("q"); r.finish()

if want("gitlog"):
    r = Rec("gitlog", ["git", "--no-pager", "-C", repo, "log", "--color=always", "--graph", "--decorate",
                       "--format=%C(yellow)%h%C(reset) %C(bold blue)%an%C(reset)%C(auto)%d%C(reset) %s",
                       "-n", "300"], 24, 100)
    r.finish()

if want("dialog") and shutil.which("dialog"):
    for name, env in [("dialog", {}), ("dialog-c", {"LANG": "C", "LC_ALL": "C"})]:
        r = Rec(name, BASH, 24, 80, cwd=work, env={"PS1": "$ "})
        r.expect(r"\$ $")
        r.send("dialog --title 'Namespaces' --checklist 'Pick some' 15 50 5 "
               "mnt 'mount' on uts 'hostname' off ipc 'ipc' off net 'network' on pid 'pids' off\r")
        r.quiet(0.8); r.check("checklist")
        r.send("\x1b[B"); r.send(" "); r.check("toggled")
        r.send("\r"); r.quiet(0.5)
        r.send("dialog --msgbox 'A box drawn with DEC special graphics' 8 44\r"); r.quiet(0.8); r.check("msgbox")
        r.resize(30, 100); r.quiet(0.5); r.check("resized")
        r.send("\r"); r.quiet(0.5); r.check("closed")
        r.send("exit\r"); r.finish()

if want("torture"):
    r = Rec("torture", BASH, 24, 80, cwd=work, env={"PS1": "$ "})
    r.expect(r"\$ $"); r.send("stty -echo\r", expect=r"\$ $")
    for part in ["wide", "wrap", "region", "sgr", "charset", "modes", "modes-off", "alt", "alt-off"]:
        if part == "alt-off":
            r.resize(20, 60); r.check("alt resized")
        r.send("clear; ./torture.sh %s\r" % part if part not in ("modes-off", "alt-off") else "./torture.sh %s\r" % part,
               expect=r"\$ $")
        r.check(part)
    r.resize(24, 80); r.check("resized back")
    r.send("./torture.sh wrap\r", expect=r"\$ $"); r.check("wrap again")
    r.resize(24, 50); r.check("narrow after wrap")
    r.resize(24, 80); r.check("wide again")
    r.send("exit\r"); r.finish()
PY
