// The parent side of `nstui spawn`, run before the Go runtime starts.
//
// Why: a spawn used to be three program starts (nstui's Go CLI, nstui
// re-executed as the init, the command) where `unshare --fork` needs two,
// and on this kind of machine a Go start alone costs about a whole unshare
// run. Here the process the shell waits on stays C (the driver), the init
// is a plain clone of it (no exec between the driver and the command), and
// no Go runtime waits, forwards or exits on the critical path.
//
// When argv[1] is "spawn" (the only way cobra reaches nstui spawn: the root
// command has no persistent flags), this constructor:
//  1. gets the request. The plain form, `nstui spawn [NAMESPACE OPTIONS]
//     [--] [COMMAND...]` with only options that need no check, is read
//     here (fast_request) and Go never starts. Anything else goes through
//     the Go command line parser (cobra, nsops.SpawnSpec: one
//     implementation of every option, check and message): a socketpair
//     and a fork; the child returns into the Go runtime, with the caller's
//     signal mask and ignored signals, holding its end
//     (nsenter.DriverRun). The driver polls the socket and its signals
//     until EOF and the parser's exit (reaped before the init starts, so
//     the init is then nstui's only child): a ctrl-c/SIGTERM/SIGHUP ends
//     both, a ctrl-z stop of the parser is undone, a parser that died
//     without an answer is reported in one line. The request
//     (nsops.SpawnSpec.DriverRequest, NUL-separated strings) is either
//     "exit" CODE (help, --print-equivalent, or an error the parser
//     already printed) or "run" FLAGS UIDMAP GIDMAP SETGROUPS INITCONFIG
//     ARGC ARGV... ENVC ENV...
//  2. clones the init with the new namespaces (the clone runs init.c's
//     nstui_init_main directly) and writes its id maps;
//  3. does what the init's parent does: forward every signal, follow job
//     control (stop when the command stops, continue it on SIGCONT), and
//     exit with the init's status.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "init.h"

#define ENTER_ENV "_NSTUI_ENTER" /* nsops.EnterEnv */
#define SLOW_ENV "_NSTUI_SPAWN_SLOW" /* set: no fast path (for tests) */
#define MAX_REQUEST (64 << 20)   /* argv + environment: far below this */

/* The Go part's end of the socketpair, in the parser child only (set once by
 * the constructor, before the Go runtime starts; -1 everywhere else). */
static int driver_fd = -1;

/* nstui_driver_take_fd returns the Go part's end of the request socket, once
 * (the Go side writes one request and closes it); -1 when this process is
 * not the Go part of a spawn driver, or on a later call. */
int nstui_driver_take_fd(void)
{
	int fd = driver_fd;

	driver_fd = -1;
	return fd;
}

struct request {
	unsigned long flags; /* CLONE_NEW* */
	const char *uidmap, *gidmap, *setgroups;
	struct init_config cfg;
	char **argv, **env;
	char uidbuf[64], gidbuf[64], *shell[2]; /* the fast path's own strings */
};

/* next returns the string at *pos and moves past it; NULL at the end. */
static char *next(char *buf, size_t len, size_t *pos)
{
	char *s = buf + *pos;
	size_t n;

	if (*pos >= len)
		return NULL;
	n = strlen(s);
	if (*pos + n >= len)
		return NULL; /* not NUL-terminated: cut short */
	*pos += n + 1;
	return s;
}

/* strings reads a count and that many strings into a NULL-terminated array. */
static char **strings(char *buf, size_t len, size_t *pos)
{
	char *count = next(buf, len, pos), **out;
	long n = count ? atol(count) : -1;

	if (n < 0 || n > (long)len)
		return NULL;
	out = calloc((size_t)n + 1, sizeof(*out));
	for (long i = 0; out && i < n; i++)
		if (!(out[i] = next(buf, len, pos)))
			return NULL;
	return out;
}

/* pending_death returns 128+N for a signal N that is waiting for us and
 * would have ended us by default (a ctrl-c that ended the parser too),
 * else 0. */
static int pending_death(int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
		case SIGTSTP: case SIGTTIN: case SIGTTOU:
			continue;
		}
		return 128 + (int)si.ssi_signo;
	}
	return 0;
}

/* struct parser follows the Go copy that parses the command line: our
 * child, so we see it stop and die. */
struct parser {
	pid_t pid;
	int pidfd;  /* readable once it ended; -1 if pidfd_open failed */
	int status; /* its wait status, once reaped */
	int reaped;
};

/* parser_check reaps the parser if it ended, and continues it when a
 * ctrl-z (SIGTSTP) stopped it: the driver ignores terminal stops itself,
 * and a stopped parser would leave the driver waiting for ever. */
static void parser_check(struct parser *p)
{
	int status = 0;
	pid_t pid;

	if (p->reaped)
		return;
	while ((pid = waitpid(p->pid, &status, WNOHANG | WUNTRACED)) < 0 && errno == EINTR)
		;
	if (pid < 0 && errno == ECHILD) {
		/* auto-reaped (cannot happen: SIGCHLD is at its default here) */
		p->reaped = 1;
		p->status = 0;
	} else if (pid == p->pid && WIFSTOPPED(status)) {
		if (WSTOPSIG(status) == SIGTSTP)
			kill(p->pid, SIGCONT);
	} else if (pid == p->pid) {
		p->reaped = 1;
		p->status = status;
	}
}

/* parser_signals reads our pending signals while the parser runs: one that
 * would end us (ctrl-c, SIGTERM, a hangup) ends the parser and us with
 * 128+N; a terminal stop (ctrl-z) is not ours to take: the parser is
 * continued instead (parser_check). */
static void parser_signals(int sigfd, struct parser *p)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:
		case SIGTTIN: case SIGTTOU: case SIGPIPE:
			continue;
		case SIGTSTP:
			kill(p->pid, SIGCONT);
			continue;
		case SIGINT: case SIGTERM: case SIGHUP: case SIGQUIT:
			kill(p->pid, SIGKILL);
			_exit(128 + (int)si.ssi_signo);
		}
	}
	parser_check(p);
}

/* read_answer reads the parser's request until EOF and waits for the parser
 * to end, handling our signals all the while (poll, never a blocking read
 * or wait: the parser may be stopped or killed at any time). */
static char *read_answer(int fd, int sigfd, struct parser *p, size_t *len)
{
	size_t cap = 4096;
	char *buf = malloc(cap);
	int open = 1;

	*len = 0;
	if (!buf)
		nstui_die(EXIT_SETUP, "spawn: out of memory");
	while (open || !p->reaped) {
		struct pollfd pf[3] = { { open ? fd : -1, POLLIN, 0 }, { sigfd, POLLIN, 0 }, { p->pidfd, POLLIN, 0 } };
		ssize_t n;

		if (poll(pf, 3, p->pidfd < 0 && !open ? 100 : -1) < 0 && errno != EINTR)
			nstui_die(EXIT_SETUP, "spawn: poll: %s", strerror(errno));
		parser_signals(sigfd, p);
		if (!open || !pf[0].revents)
			continue;
		if (*len + 1 >= cap) {
			char *more;

			if (cap >= MAX_REQUEST || !(more = realloc(buf, cap * 2))) {
				open = 0; /* cut short: the request check fails */
				continue;
			}
			buf = more;
			cap *= 2;
		}
		n = read(fd, buf + *len, cap - *len - 1);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			open = 0;
		else
			*len += (size_t)n;
	}
	buf[*len] = '\0';
	return buf;
}

/* receive reads the Go part's request; on "exit" it exits with the status
 * the Go part chose; when the parser ended without an answer, with one line
 * saying so (unless it printed its own and exited non-zero). */
static void receive(int fd, int sigfd, struct parser *p, struct request *r)
{
	size_t len, pos = 0;
	char *buf = read_answer(fd, sigfd, p, &len), *kind, *code, *init;
	int sig;

	close(fd);
	if (p->pidfd >= 0)
		close(p->pidfd);
	kind = next(buf, len, &pos);
	if (kind && !strcmp(kind, "exit") && (code = next(buf, len, &pos)))
		_exit(atoi(code));
	if (!kind || strcmp(kind, "run") != 0) {
		if ((sig = pending_death(sigfd)))
			_exit(sig); /* ended with us (ctrl-c): the shell says so */
		if (WIFSIGNALED(p->status))
			nstui_die(EXIT_SETUP, "spawn: the command line parser died (signal %d)", WTERMSIG(p->status));
		if (WIFEXITED(p->status) && WEXITSTATUS(p->status) != 0)
			_exit(WEXITSTATUS(p->status)); /* it said why */
		nstui_die(EXIT_SETUP, "spawn: the command line parser ended without an answer");
	}
	*r = (struct request){ 0 };
	r->flags = strtoul(next(buf, len, &pos) ?: "0", NULL, 10);
	r->uidmap = next(buf, len, &pos);
	r->gidmap = next(buf, len, &pos);
	r->setgroups = next(buf, len, &pos);
	init = next(buf, len, &pos);
	if (!r->setgroups || !init || nstui_parse_init_config(init, &r->cfg) != 0 ||
	    !(r->argv = strings(buf, len, &pos)) || !r->argv[0] || !(r->env = strings(buf, len, &pos)))
		nstui_die(EXIT_SETUP, "spawn: bad request from the command line parser (internal protocol)");
}

/* start_error says in one line why the namespaces could not be made and
 * what to do (as nstui's startError did), and exits 125 (EXIT_SETUP). */
static void __attribute__((noreturn)) start_error(const struct request *r, int err)
{
	char e[128];

	nstui_err_text(e, sizeof(e), err);
	if (err == EPERM && !(r->flags & CLONE_NEWUSER) && geteuid() != 0)
		nstui_die(EXIT_SETUP, "creating namespaces needs root (CAP_SYS_ADMIN): run as root, or add --user (-U) to create them as a normal user");
	if (err == EPERM)
		nstui_die(EXIT_SETUP, "cannot create the namespaces: %s (the user namespace may be restricted, or a setgroups/id map is not allowed for this user)", e);
	if (err == ENOSPC)
		nstui_die(EXIT_SETUP, "cannot create the namespaces: %s (a namespace limit in /proc/sys/user is reached)", e);
	if (err == EINVAL)
		nstui_die(EXIT_SETUP, "cannot create the namespaces: %s (this kernel may lack one of the types)", e);
	nstui_die(EXIT_SETUP, "start the sandbox: %s", e);
}

/* write_file writes text to /proc/<pid>/<name>; an errno or 0. */
static int write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd, err = 0;
	size_t n = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (write(fd, text, n) != (ssize_t)n)
		err = errno ? errno : EIO;
	close(fd);
	return err;
}

/* write_maps writes the new user namespace's id maps (the kernel wants them
 * from outside: the init waits for them before doing anything). */
static int write_maps(pid_t pid, const struct request *r)
{
	int err = 0;

	if (*r->uidmap)
		err = write_file(pid, "uid_map", r->uidmap);
	if (!err && *r->gidmap) {
		err = write_file(pid, "setgroups", strcmp(r->setgroups, "allow") ? "deny" : "allow");
		if (err == ENOENT)
			err = 0; /* a kernel without /proc/<pid>/setgroups */
		if (!err)
			err = write_file(pid, "gid_map", r->gidmap);
	}
	return err;
}

/* parent_does_job_control reports whether our parent can resume us after a
 * stop: it is in our session but another process group (a job-control
 * shell). Otherwise our process group is orphaned in the POSIX sense. */
static int parent_does_job_control(void)
{
	pid_t ppid = getppid(), psid = getsid(ppid), ppgrp = getpgid(ppid);

	return psid >= 0 && ppgrp >= 0 && psid == getsid(0) && ppgrp != getpgrp();
}

/* give_back_tty makes our process group the terminal's foreground again
 * when the command was given it (its group is gone: the command ended):
 * a caller without job control (a sh script, make, vim's :!) reads the
 * terminal next, as after unshare, which never hands it over. When the
 * foreground is a live group (the shell took the terminal back after a
 * stop and bg), it is not ours to take. SIGTTOU is blocked, so the kernel
 * allows it from the background. */
static void give_back_tty(void)
{
	pid_t pgrp = tcgetpgrp(STDIN_FILENO);

	if (pgrp > 0 && pgrp != getpgrp() && kill(-pgrp, 0) != 0 && errno == ESRCH)
		tcsetpgrp(STDIN_FILENO, getpgrp());
}

static void job_send(int jobfd, char m)
{
	/* MSG_NOSIGNAL: a gone peer must not raise a SIGPIPE that would
	 * then be forwarded like any other signal. */
	if (send(jobfd, &m, 1, MSG_NOSIGNAL) != 1) {
		/* the init is gone: its exit status comes next */
	}
}

/* drive waits for the init, forwarding signals and following job control,
 * and exits with its status. */
static void __attribute__((noreturn)) drive(pid_t init, int sigfd, int jobfd)
{
	for (;;) {
		struct pollfd p[2] = { { sigfd, POLLIN, 0 }, { jobfd, POLLIN, 0 } };
		struct signalfd_siginfo si;
		unsigned char msg[2];
		int status;
		pid_t pid;

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			nstui_die(EXIT_SETUP, "spawn: poll: %s", strerror(errno));
		if (p[1].revents) {
			ssize_t n = read(jobfd, msg, sizeof(msg));

			if (n == 2 && msg[0] == JOB_STOPPED) {
				if (parent_does_job_control())
					/* The command stopped (ctrl-z): stop ourselves, so
					 * the shell that started us reports the job stopped
					 * and takes the terminal back, as with unshare. */
					kill(getpid(), SIGSTOP);
				else if (msg[1] == SIGTSTP)
					/* Nobody could resume us (the kernel ignores terminal
					 * stops in an orphaned process group): go on. */
					job_send(jobfd, JOB_CONT_FG);
			} else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
				close(jobfd);
				jobfd = -1;
			}
		}
		while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			if (si.ssi_signo == SIGCONT && jobfd >= 0)
				/* fg or bg: the init continues the command, giving it
				 * the terminal back when we are in the foreground again. */
				job_send(jobfd, tcgetpgrp(STDIN_FILENO) == getpgrp() ? JOB_CONT_FG : JOB_CONT_BG);
			else
				kill(init, (int)si.ssi_signo);
		}
		/* After the signals: a SIGCHLD for an exit after this wait stays
		 * pending and wakes the poll. */
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			if (pid == init) {
				give_back_tty();
				_exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
			}
	}
}

/* spawn starts the init for the request and drives it. */
static void __attribute__((noreturn)) spawn(struct request *r, int sigfd)
{
	int jobs[2] = { -1, -1 }, sync[2] = { -1, -1 }, parentfd, err;
	char e[128], go = 1;
	pid_t pid, fgp;

	/* Job control: when we own the terminal's foreground, the command gets
	 * it. Whenever the terminal is ours (our session's), a link to the init
	 * tells us when the command stops, so that we stop too and the shell
	 * sees the job stopped, and tells the init to continue it, handing it
	 * the terminal when we are in the foreground again (fg), even when we
	 * were started in the background (`nstui spawn -- cat &`). */
	if ((fgp = tcgetpgrp(STDIN_FILENO)) > 0) {
		r->cfg.fg = fgp == getpgrp();
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, jobs) != 0)
			nstui_die(EXIT_SETUP, "spawn: job control link: socketpair: %s", nstui_err_text(e, sizeof(e), errno));
	}
	/* The init polls this pidfd: when we die, even by SIGKILL, it takes
	 * the sandbox down. */
	parentfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (parentfd < 0)
		nstui_die(EXIT_SETUP, "spawn: pidfd_open self: %s", nstui_err_text(e, sizeof(e), errno));
	if ((r->flags & CLONE_NEWUSER) && pipe2(sync, O_CLOEXEC) != 0)
		nstui_die(EXIT_SETUP, "spawn: pipe: %s", nstui_err_text(e, sizeof(e), errno));

	/* fork() with namespace flags: the child is a copy of this
	 * single-threaded C process and runs the init without an exec. */
	pid = (pid_t)syscall(SYS_clone, r->flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		start_error(r, errno);
	if (pid == 0) {
		close(sigfd);
		if (jobs[0] >= 0)
			close(jobs[0]);
		if (sync[0] >= 0) {
			close(sync[1]);
			/* Nothing before the id maps are written. */
			if (read(sync[0], &go, 1) != 1)
				_exit(EXIT_SETUP);
			close(sync[0]);
		}
		/* Our own process group: signals to nstui's group (a terminal's
		 * ctrl-c when the command is not in the foreground) reach the
		 * command once, through nstui and the init. */
		setpgid(0, 0);
		nstui_init_main(&r->cfg, parentfd, jobs[1], r->argv, r->env);
	}
	close(parentfd);
	if (jobs[1] >= 0)
		close(jobs[1]);
	if (sync[0] >= 0) {
		close(sync[0]);
		if ((err = write_maps(pid, r)) != 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			give_back_tty();
			start_error(r, err);
		}
		if (write(sync[1], &go, 1) != 1)
			nstui_die(EXIT_SETUP, "spawn: release the init: %s", nstui_err_text(e, sizeof(e), errno));
		close(sync[1]);
	}
	if (jobs[0] >= 0)
		fcntl(jobs[0], F_SETFL, O_NONBLOCK);
	drive(pid, sigfd, jobs[0]);
}

/* The namespace options of nstui spawn that need no checking: each only
 * adds a type (nsops.NSType's long and short unshare options). */
static const struct {
	const char *name;
	char letter;
	unsigned long flag;
} ns_options[] = {
	{ "--cgroup", 'C', CLONE_NEWCGROUP }, { "--ipc", 'i', CLONE_NEWIPC },
	{ "--mount", 'm', CLONE_NEWNS },      { "--net", 'n', CLONE_NEWNET },
	{ "--pid", 'p', CLONE_NEWPID },       { "--time", 'T', CLONE_NEWTIME },
	{ "--user", 'U', CLONE_NEWUSER },     { "--uts", 'u', CLONE_NEWUTS },
};
#define N_NS_OPTIONS (sizeof(ns_options) / sizeof(ns_options[0]))

/* ns_flag returns the type of a long option or short letter, 0 if none. */
static unsigned long ns_flag(const char *name, char letter)
{
	for (size_t i = 0; i < N_NS_OPTIONS; i++)
		if (name ? !strcmp(name, ns_options[i].name) : letter == ns_options[i].letter)
			return ns_options[i].flag;
	return 0;
}

/* fast_request builds the request for the plain form of nstui spawn, only
 * namespace types (long, short or grouped, --all, --no-mount-proc,
 * --no-lo) then [--] COMMAND, without starting Go at all; it returns 0 for
 * anything else (an option with a value, -r, --help, a typo, ...), which
 * the Go command line parser then handles with its checks and messages.
 * What it builds must equal nsops.SpawnSpec.DriverRequest for the same
 * options (TestSpawnFastPathMatchesParser checks it end to end): a new pid
 * namespace implies a mount namespace for a fresh /proc, made private; a
 * new network namespace gets lo up; a new user namespace maps us to root;
 * the default command is $SHELL, else /bin/sh. */
static int fast_request(int argc, char **argv, char **envp, struct request *r)
{
	unsigned long types = 0;
	int all = 0, no_proc = 0, no_lo = 0, i;
	size_t n = 0, k = 0;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		unsigned long f;

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-' || !a[1])
			break; /* the command: everything from here is its own */
		if (a[1] == '-') {
			if (!strcmp(a, "--all"))
				all = 1;
			else if (!strcmp(a, "--no-mount-proc"))
				no_proc = 1;
			else if (!strcmp(a, "--no-lo"))
				no_lo = 1;
			else if ((f = ns_flag(a, 0)))
				types |= f;
			else
				return 0;
			continue;
		}
		for (const char *c = a + 1; *c; c++) {
			if (!(f = ns_flag(NULL, *c)))
				return 0;
			types |= f;
		}
	}
	if (i < argc && !argv[i][0])
		return 0; /* an empty command name: the parser says so */
	for (size_t j = 0; all && j < N_NS_OPTIONS; j++)
		types |= ns_options[j].flag;

	*r = (struct request){ .uidmap = "", .gidmap = "", .setgroups = "" };
	r->cfg = (struct init_config){ .prop = "unchanged", .grace_ms = 1000 };
	r->cfg.mount_proc = (types & CLONE_NEWPID) && !no_proc;
	if (r->cfg.mount_proc)
		types |= CLONE_NEWNS;
	if (types & CLONE_NEWNS) {
		r->cfg.mnt = 1;
		r->cfg.prop = "private";
	}
	r->cfg.lo = (types & CLONE_NEWNET) && !no_lo;
	r->cfg.time_ns = (types & CLONE_NEWTIME) != 0;
	r->flags = types & ~(unsigned long)CLONE_NEWTIME; /* the init makes it */
	if (types & CLONE_NEWUSER) {
		snprintf(r->uidbuf, sizeof(r->uidbuf), "0 %u 1\n", (unsigned)geteuid());
		snprintf(r->gidbuf, sizeof(r->gidbuf), "0 %u 1\n", (unsigned)getegid());
		r->uidmap = r->uidbuf;
		r->gidmap = r->gidbuf;
	}
	if (i < argc) {
		r->argv = argv + i;
	} else {
		r->shell[0] = "/bin/sh";
		for (char **e = envp; e && *e; e++)
			if (!strncmp(*e, "SHELL=", 6) && (*e)[6])
				r->shell[0] = *e + 6;
		r->argv = r->shell;
	}
	while (envp && envp[n])
		n++;
	if (!(r->env = calloc(n + 1, sizeof(*r->env))))
		return 0;
	for (size_t j = 0; j < n; j++)
		if (strncmp(envp[j], INTERNAL_PREFIX, strlen(INTERNAL_PREFIX)) != 0)
			r->env[k++] = envp[j];
	return 1;
}

__attribute__((constructor)) static void nstui_spawn_driver(int argc, char **argv, char **envp)
{
	struct request r;
	struct parser parser = { 0 };
	int sv[2], sigfd;
	char e[128];
	unsigned long long ign, mask = 0;

	if (argc < 2 || !argv || strcmp(argv[1], "spawn") != 0 || getenv(INIT_ENV) || getenv(ENTER_ENV))
		return; /* not nstui spawn */
	/* Before anything resets them: what our caller ignored, the command
	 * ignores too. */
	ign = nstui_ignored_signals();
	/* SLOW_ENV sends every spawn through the Go parser (tests compare). */
	if (!getenv(SLOW_ENV) && fast_request(argc, argv, envp, &r)) {
		r.cfg.ign = ign;
		spawn(&r, nstui_block_signals());
	}
	/* Every signal blocked before the fork: none can end us between the
	 * fork and the wait, and the parser is our child from the start. */
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, NULL, &mask, sizeof(mask));
	sigfd = nstui_block_signals();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		nstui_die(EXIT_SETUP, "spawn: socketpair: %s", nstui_err_text(e, sizeof(e), errno));
	parser.pid = fork();
	if (parser.pid < 0)
		nstui_die(EXIT_SETUP, "spawn: fork: %s", nstui_err_text(e, sizeof(e), errno));
	if (parser.pid == 0) {
		/* The Go runtime starts with the caller's signal state. */
		close(sigfd);
		close(sv[0]);
		for (int sig = 1; sig <= 64; sig++)
			if (ign & (1ULL << (sig - 1)))
				signal(sig, SIG_IGN);
		syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask));
		driver_fd = sv[1];
		return;
	}
	close(sv[1]);
	parser.pidfd = (int)syscall(SYS_pidfd_open, parser.pid, 0);
	receive(sv[0], sigfd, &parser, &r);
	r.cfg.ign = ign;
	spawn(&r, sigfd);
}
