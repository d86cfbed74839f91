// nstui's reaping init (`nstui spawn`), run before the Go runtime starts.
//
// Why C: the init is PID 1 of a new pid namespace (or a child subreaper)
// and lives for as long as the sandbox, doing almost nothing: set the
// sandbox up, fork the command, then forward signals and reap. Started as a
// Go program it paid a whole Go runtime start on every spawn (the larger
// part of `nstui spawn -- true`), had runtime threads and signals of its own
// (SIGURG, SIGPROF) to keep apart from the command's, and needed care for
// the Go traps listed in DESIGN.md §3 (one owner for every wait4, Pdeathsig
// per thread, signal.Notify before the first child). A single-threaded C
// process with every signal blocked and read from a signalfd has none of
// them: its one loop owns all waiting and sees each signal exactly once.
//
// Two ways in:
//   - exec mode (nsops.SpawnSpec.Command, the TUI's panes): the parent
//     clones nstui with the new namespaces and re-executes it with
//       argv "nstui" "init" "--" COMMAND [ARGS...]
//       _NSTUI_INIT: space-separated key=value words, strings in hex:
//       mnt=1 prop=private|shared|slave|unchanged proc=1 lo=1 time=1
//       mono=SECS boot=SECS host=HEX root=HEX wd=HEX fg=1 grace=MS
//       fd 3: a pidfd of the parent (the sandbox dies with it);
//     the constructor below sees both marks and never returns, so the Go
//     runtime never starts.
//   - driver mode (nstui spawn, driver.c): the driver clones itself with
//     the new namespaces and the clone calls nstui_init_main directly.
// Either way the init ends in _exit with the command's status (128+N for
// signal N), 127/126 when the command is missing / not executable, 125
// when the sandbox could not be set up (after one line on stderr saying
// why).
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define PARENT_FD 3 /* exec mode: where nsops.SpawnSpec.Command puts the parent's pidfd */
#define REAP_TICK_MS 1000 /* belt and braces: signalfd keeps a pending SIGCHLD, so no reap is lost */
#define PARENT_GONE_DRAIN_MS 1000
#define KILL_DRAIN_MS 5000

/* The init's state once the command runs: everything the loop needs. */
struct init_state {
	struct init_config cfg;
	int pidns;    /* PID 1 of a new pid namespace (else a subreaper) */
	int sigfd;    /* signalfd for every signal */
	int parentfd; /* pidfd of the parent nstui, or -1 */
	int jobfd;    /* job-control link, or -1 once closed / without one */
	int procfd;   /* the /proc we started with (subreaper teardown), or -1 */
	int fg;       /* the command was given the terminal */
	int killing;  /* SIGKILL everything on every drain pass */
	pid_t cmd;
};

/* vsay prints "nstui: " and the message on stderr, as one line. */
static void vsay(const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "nstui: ");

	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	n = (int)strlen(line);
	if (n < (int)sizeof(line) - 1)
		line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nothing left to tell */
	}
}

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void nstui_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	_exit(code);
}

const char *nstui_err_text(char *buf, size_t len, int err)
{
	const char *name = strerrorname_np(err);

	snprintf(buf, len, "%s (%s)", name ? name : "error", strerror(err));
	return buf;
}

/* unhex decodes a hex string in place; -1 on a bad digit. */
static int unhex(char *s)
{
	size_t n = strlen(s);
	char *out = s;

	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		char pair[3] = { s[i], s[i + 1], '\0' };
		char *end;
		long v;

		if (!isxdigit((unsigned char)pair[0]) || !isxdigit((unsigned char)pair[1]))
			return -1;
		v = strtol(pair, &end, 16);
		*out++ = (char)v;
	}
	*out = '\0';
	return (int)strlen(s) == (int)(out - s) ? 0 : -1; /* no NUL inside */
}

int nstui_parse_init_config(const char *text, struct init_config *c)
{
	char *buf = strdup(text), *save = NULL, *tok;

	*c = (struct init_config){ .prop = "unchanged", .grace_ms = 1000 };
	if (!buf)
		return -1;
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *val = strchr(tok, '=');

		if (!val)
			return -1;
		*val++ = '\0';
		if (!strcmp(tok, "mnt"))
			c->mnt = atoi(val);
		else if (!strcmp(tok, "prop"))
			c->prop = val;
		else if (!strcmp(tok, "proc"))
			c->mount_proc = atoi(val);
		else if (!strcmp(tok, "lo"))
			c->lo = atoi(val);
		else if (!strcmp(tok, "time"))
			c->time_ns = atoi(val);
		else if (!strcmp(tok, "mono"))
			c->mono = atoll(val);
		else if (!strcmp(tok, "boot"))
			c->boot = atoll(val);
		else if (!strcmp(tok, "fg"))
			c->fg = atoi(val);
		else if (!strcmp(tok, "grace"))
			c->grace_ms = atol(val);
		else if (!strcmp(tok, "host") && unhex(val) == 0)
			c->host = val;
		else if (!strcmp(tok, "root") && unhex(val) == 0)
			c->root = val;
		else if (!strcmp(tok, "wd") && unhex(val) == 0)
			c->wd = val;
		else
			return -1;
	}
	return 0;
}

/* is_pidfd: fd 3 is only trusted when it is what nsops passes. */
static int is_pidfd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = '\0';
	return strcmp(link, "anon_inode:[pidfd]") == 0;
}

static void set_link_up(const char *name)
{
	char e[128];
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		nstui_die(EXIT_SETUP, "bring %s up: socket: %s", name, nstui_err_text(e, sizeof(e), errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) != 0)
		nstui_die(EXIT_SETUP, "bring %s up: ioctl(SIOCGIFFLAGS): %s", name, nstui_err_text(e, sizeof(e), errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
		nstui_die(EXIT_SETUP, "bring %s up: ioctl(SIOCSIFFLAGS): %s", name, nstui_err_text(e, sizeof(e), errno));
	close(fd);
}

static void set_time_offsets(const struct init_config *c)
{
	char e[128], offsets[96];
	int fd, n;

	/* A time namespace applies to children only: unshare, write the
	 * offsets, then fork the command. Before chroot: this needs our /proc. */
	if (unshare(CLONE_NEWTIME) != 0)
		nstui_die(EXIT_SETUP, "new time namespace: unshare(CLONE_NEWTIME): %s", nstui_err_text(e, sizeof(e), errno));
	n = snprintf(offsets, sizeof(offsets), "monotonic %lld 0\nboottime %lld 0\n", c->mono, c->boot);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		nstui_die(EXIT_SETUP, "set time offsets: open /proc/self/timens_offsets: %s", nstui_err_text(e, sizeof(e), errno));
	if (write(fd, offsets, (size_t)n) != n) {
		if (errno == ERANGE)
			nstui_die(EXIT_SETUP, "--monotonic %lld / --boottime %lld: out of range (the clocks inside must stay positive): %s",
			    c->mono, c->boot, nstui_err_text(e, sizeof(e), errno));
		nstui_die(EXIT_SETUP, "set time offsets: write /proc/self/timens_offsets: %s", nstui_err_text(e, sizeof(e), errno));
	}
	close(fd);
}

static void mount_proc(void)
{
	char e[128];
	struct stat st;

	if (stat("/proc", &st) != 0)
		nstui_die(EXIT_SETUP, "mount a fresh /proc: /proc: %s (create it in --root, or add --no-mount-proc)",
		    errno == ENOENT ? "no such directory" : nstui_err_text(e, sizeof(e), errno));
	if (!S_ISDIR(st.st_mode))
		nstui_die(EXIT_SETUP, "mount a fresh /proc: /proc: not a directory (create it in --root, or add --no-mount-proc)");
	/* Our copy of the /proc mount must not propagate the new proc back
	 * to the host whatever --propagation says (EINVAL: not a mount point). */
	if (mount("none", "/proc", NULL, MS_PRIVATE | MS_REC, NULL) != 0 && errno != EINVAL)
		nstui_die(EXIT_SETUP, "make /proc private: mount: %s", nstui_err_text(e, sizeof(e), errno));
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		nstui_die(EXIT_SETUP, "mount a fresh /proc: mount: %s", nstui_err_text(e, sizeof(e), errno));
}

/* drop_caps: capabilities the init needed as a non-root uid inside (ambient,
 * see nsops.SpawnSpec.command) must not reach the command. */
static void drop_caps(void)
{
	char e[128];
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
		nstui_die(EXIT_SETUP, "prctl(PR_CAP_AMBIENT_CLEAR_ALL): %s", nstui_err_text(e, sizeof(e), errno));
	if (syscall(SYS_capget, &hdr, data) != 0)
		nstui_die(EXIT_SETUP, "capget: %s", nstui_err_text(e, sizeof(e), errno));
	if (data[0].inheritable || data[1].inheritable) {
		data[0].inheritable = data[1].inheritable = 0;
		if (syscall(SYS_capset, &hdr, data) != 0)
			nstui_die(EXIT_SETUP, "capset: %s", nstui_err_text(e, sizeof(e), errno));
	}
}

/* setup does, in the new namespaces, what unshare's options ask for. */
static void setup(const struct init_config *c)
{
	char e[128];
	unsigned long prop = 0;

	if (!strcmp(c->prop, "private"))
		prop = MS_PRIVATE;
	else if (!strcmp(c->prop, "shared"))
		prop = MS_SHARED;
	else if (!strcmp(c->prop, "slave"))
		prop = MS_SLAVE;
	if (c->mnt && prop && mount("none", "/", NULL, prop | MS_REC, NULL) != 0)
		nstui_die(EXIT_SETUP, "make / %s: mount: %s", c->prop, nstui_err_text(e, sizeof(e), errno));
	if (c->host && sethostname(c->host, strlen(c->host)) != 0)
		nstui_die(EXIT_SETUP, "set hostname: sethostname: %s", nstui_err_text(e, sizeof(e), errno));
	if (c->lo)
		set_link_up("lo");
	if (c->time_ns)
		set_time_offsets(c);
	if (c->root && (chroot(c->root) != 0 || chdir("/") != 0))
		nstui_die(EXIT_SETUP, "--root %s: chroot: %s", c->root, nstui_err_text(e, sizeof(e), errno));
	if (c->wd && chdir(c->wd) != 0)
		nstui_die(EXIT_SETUP, "--wd %s: chdir: %s", c->wd, nstui_err_text(e, sizeof(e), errno));
	if (c->mount_proc)
		mount_proc();
	drop_caps();
}

/* command_env is our environment without nstui's internal variables. */
static char **command_env(char **envp)
{
	size_t n = 0, k = 0;
	char **out;

	while (envp && envp[n])
		n++;
	out = calloc(n + 1, sizeof(*out));
	if (!out)
		nstui_die(EXIT_SETUP, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], INTERNAL_PREFIX, strlen(INTERNAL_PREFIX)) != 0)
			out[k++] = envp[i];
	return out;
}

/* exec_status is the shell's status for a command that could not be
 * executed: 127 missing, 126 not executable. */
static int exec_status(int err)
{
	return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
}

/* exec_report says in one line why the command could not be executed. It
 * runs in the init, from the errno the vfork child sent (the child only
 * execs, writes and _exits). */
static void exec_report(const char *name, int err)
{
	char e[128];
	struct stat st;

	if (exec_status(err) == EXIT_NOT_FOUND)
		say("%s: command not found", name);
	else if (strchr(name, '/') && stat(name, &st) == 0 && S_ISDIR(st.st_mode))
		say("%s: cannot execute: is a directory", name);
	else if (err == EACCES)
		say("%s: permission denied (not executable)", name);
	else
		say("%s: cannot execute: %s", name, nstui_err_text(e, sizeof(e), err));
}

/* start_command starts the command in its own process group, given the
 * terminal when it should have it, with every signal unblocked and at its
 * default, fds 0-2 only (everything else is close-on-exec) and a clean
 * environment. vfork: no copy of our page tables for a child that only
 * execs; until then it touches nothing but its stack and kernel state
 * (no malloc, no stdio: on failure it sends errno to the init, which
 * writes the message). */
static pid_t start_command(char **argv, char **env, int fg, unsigned long long ign, int pidns)
{
	char e[128];
	unsigned long long none = 0;
	int errpipe[2], err;
	pid_t init = getpid(), pid;

	/* The child sends exec's errno here if it fails (close-on-exec: EOF
	 * when the exec worked); the message is the init's to write. */
	if (pipe2(errpipe, O_CLOEXEC) != 0)
		nstui_die(EXIT_SETUP, "pipe: %s", nstui_err_text(e, sizeof(e), errno));
	pid = vfork();
	if (pid < 0)
		nstui_die(EXIT_SETUP, "fork: %s", nstui_err_text(e, sizeof(e), errno));
	if (pid > 0) {
		/* vfork: the child has exec'd or _exited by now. */
		close(errpipe[1]);
		if (read(errpipe[0], &err, sizeof(err)) == (ssize_t)sizeof(err))
			exec_report(argv[0], err);
		close(errpipe[0]);
		return pid;
	}
	/* Without a pid namespace nothing else ends the command when the init
	 * dies (SIGKILLed itself): the kernel does, as for PID 1's namespace.
	 * The init is single-threaded, so its one thread is the parent. If it
	 * died before the prctl, we were reparented already. */
	if (!pidns && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != init))
		_exit(EXIT_SETUP);
	setpgid(0, 0);
	/* Every signal is still blocked here, SIGTTOU included, so a
	 * background group may take the terminal. */
	if (fg)
		tcsetpgrp(STDIN_FILENO, getpid());
	/* What nstui's caller ignored stays ignored (nohup, a background job
	 * of a non-interactive sh), as with unshare: exec keeps SIG_IGN. Only
	 * kernel state changes here: vfork shares memory, not dispositions. */
	for (int sig = 1; sig <= 64; sig++)
		if (ign & (1ULL << (sig - 1)))
			signal(sig, SIG_IGN);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof(none));
	execvpe(argv[0], argv, env);
	err = errno;
	if (write(errpipe[1], &err, sizeof(err)) < 0) {
		/* the init then says nothing; the status still tells */
	}
	_exit(exec_status(err));
}

/* foreground reports whether the command should get the terminal on fd 0. */
static int foreground(const struct init_config *c)
{
	pid_t pgrp = tcgetpgrp(STDIN_FILENO);

	if (pgrp < 0)
		return 0; /* not a terminal, or not our controlling one */
	return c->fg || pgrp == getpgrp();
}

/* descendants lists the pids below root from a /proc directory fd (it works
 * after chroot). *n is the count; the caller frees the array. */
static pid_t *descendants(int procfd, pid_t root, size_t *n)
{
	struct pp { pid_t pid, ppid; } *all = NULL;
	size_t nall = 0, cap = 0, head = 0;
	pid_t *out = NULL;
	struct dirent *d;
	int dfd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dfd >= 0 ? fdopendir(dfd) : NULL;

	*n = 0;
	if (!dir) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	while ((d = readdir(dir))) {
		char path[sizeof(d->d_name) + 8], buf[512], *p;
		int fd;
		ssize_t len;
		pid_t ppid;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/stat", d->d_name);
		fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* pid (comm) state ppid ...: comm may hold anything but ends at the last ')'. */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		if (nall == cap) {
			cap = cap ? 2 * cap : 256;
			all = realloc(all, cap * sizeof(*all));
			if (!all)
				break;
		}
		all[nall++] = (struct pp){ atoi(d->d_name), ppid };
	}
	closedir(dir);
	out = all ? malloc((nall + 1) * sizeof(*out)) : NULL;
	if (!out) {
		free(all);
		return NULL;
	}
	/* Breadth first from root: out[head..*n] is the queue. */
	out[0] = root;
	*n = 1;
	for (head = 0; head < *n; head++)
		for (size_t i = 0; i < nall; i++)
			if (all[i].ppid == out[head] && all[i].pid != root && *n < nall + 1)
				out[(*n)++] = all[i].pid;
	free(all);
	memmove(out, out + 1, (*n - 1) * sizeof(*out));
	(*n)--;
	return out;
}

/* kill_all signals every process of the sandbox but the init: kill(-1) in
 * our own pid namespace, else every descendant found in /proc. */
static void kill_all(const struct init_state *s, int sig)
{
	size_t n;
	pid_t *pids;

	if (s->pidns) {
		kill(-1, sig);
		return;
	}
	pids = descendants(s->procfd, getpid(), &n);
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);
	free(pids);
}

/* cont continues the command's whole process group (the job: ctrl-z
 * stopped every member of a pipeline, not only the command), or the
 * command alone if it left its group. */
static void cont(const struct init_state *s)
{
	if (kill(-s->cmd, SIGCONT) != 0)
		kill(s->cmd, SIGCONT);
}

/* stopped handles the command stopping: with a job-control link, the caller
 * is told (it stops itself, so its shell takes the terminal back); without
 * one, nobody above could resume a ctrl-z, so the init does at once. */
static void stopped(struct init_state *s, int sig)
{
	if (s->jobfd >= 0) {
		unsigned char msg[2] = { JOB_STOPPED, (unsigned char)sig };

		/* MSG_NOSIGNAL: no SIGPIPE of ours to forward to the command. */
		if (send(s->jobfd, msg, sizeof(msg), MSG_NOSIGNAL) != (ssize_t)sizeof(msg)) {
			/* the caller is gone: its pidfd ends us */
		}
	} else if (sig == SIGTSTP) {
		cont(s);
	}
}

/* reap collects every exited child; it returns 1 once the command was among
 * them, with its status in the shell's convention in *code. */
static int reap(struct init_state *s, int *code)
{
	int done = 0, status;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return done;
		if (pid != s->cmd)
			continue;
		if (WIFSTOPPED(status)) {
			stopped(s, WSTOPSIG(status));
		} else if (WIFEXITED(status)) {
			done = 1;
			*code = WEXITSTATUS(status);
		} else if (WIFSIGNALED(status)) {
			done = 1;
			*code = 128 + WTERMSIG(status);
		}
	}
}

/* children reaps what it can and reports whether any child is left. */
static int children(struct init_state *s)
{
	int ignored;

	reap(s, &ignored);
	return !(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* drain_signals reads every pending signal; with forward set, each one but
 * SIGCHLD goes on to the command. */
static void drain_signals(struct init_state *s, int forward)
{
	struct signalfd_siginfo si[16];
	ssize_t n;

	while ((n = read(s->sigfd, si, sizeof(si))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
			if (forward && si[i].ssi_signo != SIGCHLD)
				kill(s->cmd, (int)si[i].ssi_signo);
}

/* drain reaps until no child is left (1) or ms pass (0). Once killing has
 * started (the parent died, or teardown's SIGKILL phase), every pass
 * SIGKILLs every descendant again: without a pid namespace kill_all is a
 * /proc scan, and a process forked after one scan must not survive it (it
 * is reparented to us, so children() still sees it and we go round again;
 * the loop ends as soon as nothing forks any more). */
static int drain(struct init_state *s, long ms)
{
	long long deadline = now_ms() + ms;

	for (;;) {
		struct pollfd p[2] = { { s->sigfd, POLLIN, 0 }, { s->parentfd, POLLIN, 0 } };
		long long left;

		/* Signals first, then reap: a child that ends after the
		 * reap leaves a SIGCHLD pending, which wakes the poll. */
		drain_signals(s, 0);
		if (s->killing)
			kill_all(s, SIGKILL);
		if (!children(s))
			return 1;
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		if (poll(p, 2, (int)left) > 0 && p[1].revents) {
			s->killing = 1;
			s->parentfd = -1; /* poll ignores it from now on */
		}
	}
}

/* teardown, when the command exited: SIGTERM to everything left, up to the
 * grace period for it to go, then SIGKILL. Nothing left: no wait at all. */
static void __attribute__((noreturn)) teardown(struct init_state *s, int code)
{
	if (children(s)) {
		kill_all(s, SIGTERM);
		if (!drain(s, s->cfg.grace_ms)) {
			s->killing = 1;
			drain(s, KILL_DRAIN_MS);
		}
	}
	_exit(code);
}

/* job_message handles one message of the job-control link: continue the
 * command, first making its process group the terminal's foreground again
 * on fg (the init is not in the foreground itself, but SIGTTOU is blocked,
 * so the kernel lets it). */
static void job_message(struct init_state *s)
{
	unsigned char m;
	ssize_t n = read(s->jobfd, &m, 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->jobfd);
		s->jobfd = -1; /* the caller is gone: stops are undone here from now on */
		return;
	}
	if (m == JOB_CONT_FG) /* also when started in the background: fg */
		tcsetpgrp(STDIN_FILENO, s->cmd);
	if (m == JOB_CONT_FG || m == JOB_CONT_BG)
		cont(s);
}

/* run forwards signals and reaps until the command exits, then tears the
 * sandbox down and exits with the command's status. */
static void __attribute__((noreturn)) run(struct init_state *s)
{
	int code = 0;

	for (;;) {
		struct pollfd p[3] = {
			{ s->sigfd, POLLIN, 0 }, { s->parentfd, POLLIN, 0 }, { s->jobfd, POLLIN, 0 },
		};

		if (poll(p, 3, REAP_TICK_MS) < 0 && errno != EINTR)
			nstui_die(EXIT_SETUP, "init: poll: %s", strerror(errno));
		if (p[1].revents) {
			s->killing = 1;
			s->parentfd = -1;
			drain(s, PARENT_GONE_DRAIN_MS);
			_exit(128 + SIGKILL);
		}
		if (p[2].revents)
			job_message(s);
		drain_signals(s, 1);
		if (reap(s, &code))
			teardown(s, code);
	}
}

unsigned long long nstui_ignored_signals(void)
{
	unsigned long long ign = 0;

	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction old;

		if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			ign |= 1ULL << (sig - 1);
	}
	return ign;
}

int nstui_block_signals(void)
{
	/* The kernel's sigset: 64 bits. glibc's sigfillset leaves out the two
	 * real-time signals it keeps for itself (32, 33), which would then
	 * still kill us by default; nothing here uses them, so block them too. */
	unsigned long long all = ~0ULL;
	char e[128];
	int fd;

	/* Every signal blocked and read from a signalfd: none can end the init
	 * (inside a pid namespace the kernel drops SIGKILL/SIGSTOP from inside
	 * too), and each one is forwarded exactly once. Dispositions back to
	 * default: an ignored signal would be discarded instead of queued, and
	 * the command starts with defaults. */
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &all, NULL, sizeof(all));
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	fd = (int)syscall(SYS_signalfd4, -1, &all, sizeof(all), SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		nstui_die(EXIT_SETUP, "signalfd: %s", nstui_err_text(e, sizeof(e), errno));
	return fd;
}

void nstui_init_main(const struct init_config *cfg, int parentfd, int jobfd, char **argv, char **env)
{
	struct init_state s = { .cfg = *cfg, .parentfd = parentfd, .jobfd = jobfd, .procfd = -1 };
	char e[128];

	s.sigfd = nstui_block_signals();
	/* Started as /proc/self/exe, ps would call us "exe". */
	prctl(PR_SET_NAME, "nstui-init", 0, 0, 0);
	s.pidns = getpid() == 1;
	/* Without a pid namespace, orphans of the sandbox must come to us. */
	if (!s.pidns && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
		nstui_die(EXIT_SETUP, "prctl(PR_SET_CHILD_SUBREAPER): %s", nstui_err_text(e, sizeof(e), errno));
	/* Nothing but 0-2 may reach the command. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
		nstui_die(EXIT_SETUP, "close_range: %s", nstui_err_text(e, sizeof(e), errno));
	if (s.jobfd >= 0)
		fcntl(s.jobfd, F_SETFL, O_NONBLOCK);
	/* Kept across chroot: the subreaper's teardown finds descendants here. */
	if (!s.pidns && (s.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		nstui_die(EXIT_SETUP, "open /proc: %s", nstui_err_text(e, sizeof(e), errno));

	setup(&s.cfg);
	s.fg = foreground(&s.cfg);
	s.cmd = start_command(argv, env, s.fg, s.cfg.ign, s.pidns);
	run(&s);
}

/* The exec mode: nsops.SpawnSpec.Command re-executes nstui as the init. */
__attribute__((constructor)) static void nstui_init(int argc, char **argv, char **envp)
{
	const char *env = getenv(INIT_ENV);
	struct init_config cfg;
	int parentfd = -1;

	if (!env || argc < 4 || !argv || strcmp(argv[1], "init") != 0 || strcmp(argv[2], "--") != 0)
		return; /* a normal nstui start */
	close(nstui_block_signals()); /* at once: no signal may end or miss us */
	if (nstui_parse_init_config(env, &cfg) != 0)
		nstui_die(EXIT_SETUP, "init: bad configuration (this mode is internal: run nstui spawn)");
	/* The parent's pidfd turns readable when it exits, even by SIGKILL, even
	 * before we got here. (PR_SET_PDEATHSIG fires when the parent *thread*
	 * exits, and getppid() is 0 in a new pid namespace, so it cannot be
	 * checked for the race.) */
	if (is_pidfd(PARENT_FD))
		parentfd = PARENT_FD;
	nstui_init_main(&cfg, parentfd, -1, argv + 3, command_env(envp));
}
