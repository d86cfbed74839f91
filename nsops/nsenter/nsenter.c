// The namespace switch of `nstui enter`, done before the Go runtime starts.
//
// Why C: setns(2) refuses a user namespace to a multithreaded caller
// (EINVAL), a mount namespace to a caller sharing its fs_struct, and a time
// namespace to anything but a single-threaded caller; after joining a pid
// namespace no new thread may be created. A Go process has several threads
// before main, so the switch runs here, in a constructor of the re-executed
// nstui, while the process is still one thread. runc (libcontainer/nsenter)
// and lxkns (gons) do the same.
//
// Protocol (written by nsops/enter.go, which holds the details): the parent
// opens every target (a pidfd, namespace files, --root/--wd directories)
// BEFORE anything switches, passes them as inherited fds and describes them in
// the environment variable _NSTUI_ENTER:
//
//   pidfd=FD:FLAGS ns=FD:FLAG,FD:FLAG root=FD wd=FD uid=N gid=N groups=0|1 fork=0|1 shell=0|1
//
// argv[0] is "nstui-enter", argv[1..] the command. Without both marks this
// constructor returns at once and nstui starts normally. With it, the Go runtime never starts: the
// constructor either execs the command or exits 125 after one line on stderr.
// The order and credential rules follow util-linux nsenter.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ENTER_ENV "_NSTUI_ENTER"
#define HELPER_ARG0 "nstui-enter" /* argv[0] of the helper (nsops.EnterHelperArg0) */
#define EXIT_SETUP 125 /* our own failure, as env(1) and chroot(1) use it */
#define MAX_NS 8

struct nsfd {
	int fd;
	int flag; /* CLONE_NEW* */
};

struct config {
	int pidfd, pidflags;   /* setns(pidfd, pidflags): Linux >= 5.8 */
	struct nsfd ns[MAX_NS]; /* namespace files, user first (nsenter's order) */
	int nns;
	int root, wd;           /* directories opened before switching, or -1 */
	long uid, gid;          /* -1: leave alone */
	int groups;             /* entering a user ns: drop supplementary groups */
	int fork;               /* joined a pid ns: only a child is really in it */
	int shell;              /* argv[1] is the default shell: fall back to /bin/sh */
};

static const char *hint(int err)
{
	switch (err) {
	case ESRCH:
		return "target exited; pick a running process";
	case EPERM:
		return "need CAP_SYS_ADMIN in the owning user namespace (and ptrace access to the target); run as root";
	case EINVAL:
		return "the kernel refused this namespace (already in that user namespace, or not a namespace of that type)";
	case EUSERS:
		return "too many nested user namespaces";
	case EACCES:
		return "permission denied; run as root";
	}
	return NULL;
}

static void __attribute__((noreturn)) fail_hint(int code, const char *what, int err, const char *h)
{
	const char *name = strerrorname_np(err);

	fprintf(stderr, "nstui: enter: %s: %s (%s)%s%s\n", what, name ? name : "error",
		strerror(err), h ? ": " : "", h ? h : "");
	_exit(code);
}

static void __attribute__((noreturn)) fail(int code, const char *what, int err)
{
	fail_hint(code, what, err, hint(err));
}

/* names writes "setns(net,pid)" for a CLONE_NEW* mask into buf. */
static const char *names(char *buf, size_t len, int flags)
{
	static const struct { int flag; const char *name; } types[] = {
		{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWNS, "mnt" },
		{ CLONE_NEWNET, "net" }, { CLONE_NEWPID, "pid" }, { CLONE_NEWTIME, "time" },
		{ CLONE_NEWUSER, "user" }, { CLONE_NEWUTS, "uts" },
	};
	size_t n = (size_t)snprintf(buf, len, "setns(");
	const char *sep = "";

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && n < len; i++) {
		if (flags & types[i].flag) {
			n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, types[i].name);
			sep = ",";
		}
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return buf;
}

static void keep_out(int fd)
{
	/* Our descriptors must not reach the command. */
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int parse(const char *env, struct config *c)
{
	char buf[512], *save = NULL, *tok;

	*c = (struct config){ .pidfd = -1, .root = -1, .wd = -1, .uid = -1, .gid = -1 };
	if (strlen(env) >= sizeof(buf))
		return -1;
	strcpy(buf, env);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *val = strchr(tok, '=');

		if (!val)
			return -1;
		*val++ = '\0';
		if (!strcmp(tok, "pidfd")) {
			if (sscanf(val, "%d:%i", &c->pidfd, &c->pidflags) != 2)
				return -1;
			keep_out(c->pidfd);
		} else if (!strcmp(tok, "ns")) {
			char *save2 = NULL, *item;

			for (item = strtok_r(val, ",", &save2); item; item = strtok_r(NULL, ",", &save2)) {
				if (c->nns == MAX_NS ||
				    sscanf(item, "%d:%i", &c->ns[c->nns].fd, &c->ns[c->nns].flag) != 2)
					return -1;
				keep_out(c->ns[c->nns++].fd);
			}
		} else if (!strcmp(tok, "root")) {
			c->root = atoi(val);
			keep_out(c->root);
		} else if (!strcmp(tok, "wd")) {
			c->wd = atoi(val);
			keep_out(c->wd);
		} else if (!strcmp(tok, "uid")) {
			c->uid = atol(val);
		} else if (!strcmp(tok, "gid")) {
			c->gid = atol(val);
		} else if (!strcmp(tok, "groups")) {
			c->groups = atoi(val);
		} else if (!strcmp(tok, "fork")) {
			c->fork = atoi(val);
		} else if (!strcmp(tok, "shell")) {
			c->shell = atoi(val);
		} else {
			return -1;
		}
	}
	return 0;
}

/*
 * join enters the namespaces in nsenter's two passes: first everything but
 * the user namespace, ignoring errors (a privileged caller keeps its
 * capabilities for these only while still in its own user namespace), then
 * whatever is left with the user namespace, reporting errors (an
 * unprivileged caller only gets the rights it needs once inside the target's
 * user namespace). setns(pidfd, flags) is atomic: all listed types or none.
 */
static void join(struct config *c)
{
	char what[80];
	int rest = c->pidflags;

	if (c->pidfd >= 0 && rest) {
		if ((rest & ~CLONE_NEWUSER) && setns(c->pidfd, rest & ~CLONE_NEWUSER) == 0)
			rest &= CLONE_NEWUSER;
		if (rest && setns(c->pidfd, rest) != 0)
			fail(EXIT_SETUP, names(what, sizeof(what), rest), errno);
	}
	for (int i = 0; i < c->nns; i++) {
		if (c->ns[i].flag != CLONE_NEWUSER && setns(c->ns[i].fd, c->ns[i].flag) == 0)
			c->ns[i].flag = 0;
	}
	for (int i = 0; i < c->nns; i++) {
		if (c->ns[i].flag && setns(c->ns[i].fd, c->ns[i].flag) != 0)
			fail(EXIT_SETUP, names(what, sizeof(what), c->ns[i].flag), errno);
	}
}

/* The child's pid, for the forwarding handler (a handler has no arguments). */
static volatile pid_t child_pid;

static void forward(int sig)
{
	kill(child_pid, sig);
}

/*
 * take_terminal makes the child its own process group and, when we were the
 * terminal's foreground, puts that group in front. A shell started inside the
 * pid namespace cannot see our (outer) process group: job control would fail
 * ("Cannot set tty process group") unless its group is one it can see.
 */
static void take_terminal(pid_t pgrp)
{
	signal(SIGTTOU, SIG_IGN); /* a background tcsetpgrp would stop us */
	tcsetpgrp(STDIN_FILENO, pgrp);
}

/*
 * continue_as_child forks after a pid namespace was joined: setns(pid) only
 * sets the namespace for our children. The parent stays outside, forwards
 * termination signals, follows job control like nsenter, and exits with the
 * child's status (128+N when a signal N killed it). Only the child returns.
 */
static void continue_as_child(void)
{
	static const int fwd[] = { SIGHUP, SIGTERM, SIGUSR1, SIGUSR2 };
	int tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	sigset_t block, old;
	int status;
	pid_t pid;

	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
		sigaddset(&block, fwd[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	signal(SIGCHLD, SIG_DFL);
	pid = fork();
	if (pid < 0)
		fail(EXIT_SETUP, "fork", errno);
	if (pid == 0) {
		if (tty) {
			setpgid(0, 0);
			take_terminal(getpgrp());
			signal(SIGTTOU, SIG_DFL);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	child_pid = pid;
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++) {
		struct sigaction sa = { .sa_handler = forward };
		sigaction(fwd[i], &sa, NULL);
	}
	/* A terminal sends SIGINT/SIGQUIT to the foreground group, the child's. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (tty)
		setpgid(pid, pid); /* also done by the child: whoever runs first */
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (;;) {
		if (waitpid(pid, &status, WUNTRACED) < 0) {
			if (errno == EINTR)
				continue;
			fail(EXIT_SETUP, "waitpid", errno);
		}
		if (!WIFSTOPPED(status))
			break;
		/* The child stopped (ctrl-z): stop too, and resume it with us. */
		if (tty)
			take_terminal(getpgrp());
		kill(getpid(), SIGSTOP);
		if (tty)
			take_terminal(pid);
		kill(tty ? -pid : pid, SIGCONT);
	}
	if (tty)
		take_terminal(getpgrp());
	if (WIFSIGNALED(status))
		_exit(128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

/* setgroups_denied reports whether our user namespace forbids setgroups(2)
 * (/proc/self/setgroups is "deny", as in any user namespace an unprivileged
 * user made): then our supplementary groups cannot be dropped, by design. */
static int setgroups_denied(void)
{
	char buf[8] = "";
	int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return strncmp(buf, "deny", 4) == 0;
}

static void set_credentials(const struct config *c, int groups_err)
{
	char what[64];

	/* nsenter's rule: complain about setgroups only if it also failed before
	 * entering (root's call before succeeds; the namespace may deny it after).
	 * An unprivileged caller fails both; where the namespace denies it,
	 * keeping the groups is all the kernel allows, so go on. */
	if (c->gid >= 0 && setgroups(0, NULL) != 0 && groups_err && !setgroups_denied())
		fail(EXIT_SETUP, "setgroups", errno);
	if (c->gid >= 0 && setgid((gid_t)c->gid) != 0) {
		snprintf(what, sizeof(what), "setgid(%ld)", c->gid);
		fail(EXIT_SETUP, what, errno);
	}
	if (c->uid >= 0 && setuid((uid_t)c->uid) != 0) {
		snprintf(what, sizeof(what), "setuid(%ld)", c->uid);
		fail(EXIT_SETUP, what, errno);
	}
}

/* close_all closes our descriptors once they are used: the parent waiting
 * after a fork must not pin the target's namespaces. */
static void close_all(struct config *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	for (int i = 0; i < c->nns; i++)
		close(c->ns[i].fd);
	if (c->root >= 0)
		close(c->root);
	if (c->wd >= 0)
		close(c->wd);
}

static void chdirs(struct config *c)
{
	/* Like nsenter: keep the current directory under the new root unless --wd. */
	if (c->root >= 0 && c->wd < 0) {
		c->wd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->wd < 0)
			fail(EXIT_SETUP, "open current directory", errno);
	}
	if (c->root >= 0 && (fchdir(c->root) != 0 || chroot(".") != 0 || chdir("/") != 0))
		fail(EXIT_SETUP, "chroot to --root", errno);
	if (c->wd >= 0 && fchdir(c->wd) != 0)
		fail(EXIT_SETUP, "fchdir to --wd", errno);
}

__attribute__((constructor)) static void nstui_enter(int argc, char **argv, char **envp)
{
	const char *env = getenv(ENTER_ENV);
	struct config c;
	int groups_err = 0;
	char what[300];

	(void)envp;
	if (!env || argc < 1 || !argv || strcmp(argv[0], HELPER_ARG0) != 0)
		return; /* a normal nstui start */
	if (parse(env, &c) != 0 || argc < 2)
		fail(EXIT_SETUP, "bad " ENTER_ENV " (nstui enter's internal protocol)", EINVAL);
	unsetenv(ENTER_ENV);

	if (c.groups && setgroups(0, NULL) != 0)
		groups_err = errno;
	join(&c);
	chdirs(&c);
	close_all(&c);
	if (c.fork)
		continue_as_child();
	set_credentials(&c, groups_err);
	if (c.fork)
		/* Our parent is outside the pid namespace; when it is killed, so is
		 * the command (set after setuid, which clears it). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

	execvp(argv[1], argv + 1);
	if (c.shell && errno == ENOENT)
		execl("/bin/sh", "sh", (char *)NULL);
	snprintf(what, sizeof(what), "exec %s", argv[1]);
	if (errno == ENOENT)
		fail_hint(127, what, errno, "no such command inside the entered mount namespace (looked up in PATH there)");
	fail(126, what, errno);
}
