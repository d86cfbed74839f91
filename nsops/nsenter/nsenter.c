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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ENTER_ENV "_NSTUI_ENTER"
#define HELPER_ARG0 "nstui-enter" /* argv[0] of the helper (nsops.EnterHelperArg0) */
#define EXIT_SETUP 125 /* our own failure, as env(1) and chroot(1) use it */
#define MAX_NS 8
#define MNT_NS 1   /* config.mnt: a mount namespace is among those to join */
#define MNT_ROOT 2 /* config.mnt: --root */

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
	int proc;               /* our /proc, opened before switching (O_PATH), or -1 */
	int user;               /* a user namespace is among those to join */
	int mnt;                /* MNT_NS, MNT_ROOT: where the command is looked up */
};

/* hint is the fix for a refused setns(2); credential errors have their own
 * (cred_hint). USER says whether a user namespace is among those we join.
 * Without one, a normal user has no capability at all for the setns; joining
 * the user namespace that owns the target's (in a sandbox of its own, -U)
 * would grant them all. */
static const char *hint(int err, int user)
{
	switch (err) {
	case ESRCH:
		return "target exited; pick a running process";
	case EPERM:
		if (!user && geteuid() != 0)
			return "need CAP_SYS_ADMIN in the owning user namespace (and ptrace access to the target): "
			       "join the target's user namespace too (-U), or run as root";
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
	fail_hint(code, what, err, hint(err, 1));
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

static void __attribute__((noreturn)) fail_setns(const struct config *c, int flags, int err)
{
	char what[80];

	fail_hint(EXIT_SETUP, names(what, sizeof(what), flags), err, hint(err, c->user));
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

	*c = (struct config){ .pidfd = -1, .root = -1, .wd = -1, .uid = -1, .gid = -1, .proc = -1 };
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
	if (c->pidfd >= 0) {
		c->user = (c->pidflags & CLONE_NEWUSER) != 0;
		c->mnt = (c->pidflags & CLONE_NEWNS) ? MNT_NS : 0;
	}
	for (int i = 0; i < c->nns; i++) {
		c->user |= c->ns[i].flag == CLONE_NEWUSER;
		c->mnt |= c->ns[i].flag == CLONE_NEWNS ? MNT_NS : 0;
	}
	c->mnt |= c->root >= 0 ? MNT_ROOT : 0;
	return 0;
}

/*
 * join enters the namespaces in nsenter's two passes. The first joins every
 * namespace but the user namespace, from the pidfd and from files alike,
 * ignoring errors: a privileged caller has its capabilities for them only
 * while still in its own user namespace (once in the target's, a namespace
 * given as a file and owned by another user namespace is out of reach). The
 * second joins the user namespace first, then whatever the first pass could
 * not, reporting errors: an unprivileged caller gets the rights it needs only
 * once inside the target's user namespace. setns(pidfd, flags) is atomic:
 * all listed types or none, and the kernel takes a listed user namespace
 * before the others.
 */
static void join(struct config *c)
{
	int rest = c->pidfd >= 0 ? c->pidflags : 0;

	if ((rest & ~CLONE_NEWUSER) && setns(c->pidfd, rest & ~CLONE_NEWUSER) == 0)
		rest &= CLONE_NEWUSER;
	for (int i = 0; i < c->nns; i++) {
		if (c->ns[i].flag != CLONE_NEWUSER && setns(c->ns[i].fd, c->ns[i].flag) == 0)
			c->ns[i].flag = 0;
	}

	for (int i = 0; i < c->nns; i++) {
		if (c->ns[i].flag == CLONE_NEWUSER) {
			if (setns(c->ns[i].fd, CLONE_NEWUSER) != 0)
				fail_setns(c, CLONE_NEWUSER, errno);
			c->ns[i].flag = 0;
		}
	}
	if (rest && setns(c->pidfd, rest) != 0)
		fail_setns(c, rest, errno);
	for (int i = 0; i < c->nns; i++) {
		if (c->ns[i].flag && setns(c->ns[i].fd, c->ns[i].flag) != 0)
			fail_setns(c, c->ns[i].flag, errno);
	}
}

/* The child's pid, for the forwarding handler (a handler has no arguments). */
static volatile pid_t child_pid;

static void forward(int sig)
{
	kill(child_pid, sig);
}

/* take_terminal puts process group PGRP in the terminal's foreground. */
static void take_terminal(pid_t pgrp)
{
	signal(SIGTTOU, SIG_IGN); /* a background tcsetpgrp would stop us */
	tcsetpgrp(STDIN_FILENO, pgrp);
}

/*
 * own_group says whether the child gets a process group of its own, in the
 * terminal's foreground. A job-control shell started inside the pid
 * namespace cannot see our (outer) group: tcgetpgrp says 0 there, and dash,
 * handing the terminal back to that group at exit, fails ("Cannot set tty
 * process group") and exits 2. But a ctrl-c then reaches only the child's
 * group. A caller sharing our group without job control (a script) stops
 * its loop only on a SIGINT of its own, so the child stays in our group, as
 * nsenter keeps it, unless we lead the group: a job of a job-control shell,
 * which judges the job by how it ended (exit_as copies the child's), or a
 * session of our own (a TUI pane).
 */
static int own_group(void)
{
	return isatty(STDIN_FILENO) && getpgrp() == getpid() && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/* caller_does_job_control reports whether our parent can resume us after a
 * stop: it is in our session but another process group (a job-control
 * shell). Otherwise (a session of our own, as a TUI pane has) a stop of ours
 * would last for good. */
static int caller_does_job_control(void)
{
	pid_t ppid = getppid(), psid = getsid(ppid), ppgrp = getpgid(ppid);

	return psid >= 0 && ppgrp >= 0 && psid == getsid(0) && ppgrp != getpgrp();
}

/*
 * exit_as ends us the way the child ended (STATUS, from waitpid): with its
 * exit code, or killed by its signal, as nsenter and unshare do, so that a
 * shell sees "killed by SIGINT" (and stops its loop), not exit 130. A core
 * of ours would be a stray copy beside the command's own: PR_SET_DUMPABLE 0
 * stops the kernel from writing one (also through a core_pattern pipe, which
 * RLIMIT_CORE does not bind). 128+N is left for a signal we cannot die by.
 */
static void __attribute__((noreturn)) exit_as(int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		struct rlimit none = { 0, 0 };
		sigset_t set;

		prctl(PR_SET_DUMPABLE, 0);
		setrlimit(RLIMIT_CORE, &none);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		kill(getpid(), sig);
		_exit(128 + sig);
	}
	_exit(WEXITSTATUS(status));
}

/*
 * continue_as_child forks after a pid namespace was joined: setns(pid) only
 * sets the namespace for our children. The parent stays outside, forwards
 * termination signals and ends as the child ended (exit_as). When the child
 * has a group of its own (own_group), the parent also follows its job
 * control: a ctrl-z stops only the child's group, so the parent stops too,
 * for its job-control caller to see, and resumes the child with itself; with
 * no such caller (a session of our own) the ctrl-z is undone at once. In our
 * group, a ctrl-z stops both and the caller's SIGCONT resumes both: stopping
 * again there would leave the parent stopped with nobody to resume it. Only
 * the child returns.
 */
static void continue_as_child(struct config *c)
{
	static const int fwd[] = { SIGHUP, SIGTERM, SIGUSR1, SIGUSR2 };
	int own = own_group();
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
		if (own) {
			setpgid(0, 0);
			take_terminal(getpgrp());
			signal(SIGTTOU, SIG_DFL);
		}
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	child_pid = pid;
	if (c->proc >= 0)
		close(c->proc); /* the child's, to explain a refused setuid */
	for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++) {
		struct sigaction sa = { .sa_handler = forward };
		sigaction(fwd[i], &sa, NULL);
	}
	/* A terminal sends SIGINT/SIGQUIT to the foreground group: the child
	 * gets them from there, and we end as it ends. */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (own)
		setpgid(pid, pid); /* also done by the child: whoever runs first */
	sigprocmask(SIG_SETMASK, &old, NULL);
	for (;;) {
		if (waitpid(pid, &status, own ? WUNTRACED : 0) < 0) {
			if (errno == EINTR)
				continue;
			fail(EXIT_SETUP, "waitpid", errno);
		}
		if (!WIFSTOPPED(status))
			break;
		if (caller_does_job_control()) {
			take_terminal(getpgrp());
			kill(getpid(), SIGSTOP);
			/* fg gave our group the terminal: pass it on (bg did not). */
			if (tcgetpgrp(STDIN_FILENO) == getpgrp())
				take_terminal(pid);
		} else if (WSTOPSIG(status) != SIGTSTP) {
			continue; /* a SIGSTOP: for whoever sent it to undo */
		}
		/* Resumed, or nobody above us could resume us: undo the ctrl-z. */
		kill(-pid, SIGCONT);
	}
	if (own)
		take_terminal(getpgrp());
	exit_as(status);
}

/*
 * read_self reads /proc/self/FILE into buf (NUL-terminated). It goes through
 * the /proc we had before switching: after joining a mount namespace, or a
 * chroot to --root, /proc may be missing or belong to a pid namespace we are
 * not in, so that /proc/self dangles. Our /proc still sees us: a pid
 * namespace we may join is a descendant of ours. A file like uid_map shows
 * the namespace the task is in when it is opened, so opening it now is right.
 */
static ssize_t read_self(int proc, const char *file, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "self/%s", file);
	fd = proc >= 0 ? openat(proc, path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/self/%s", file);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* setgroups_denied reports whether our user namespace forbids setgroups(2)
 * (/proc/self/setgroups is "deny", as in any user namespace an unprivileged
 * user made): then our supplementary groups cannot be dropped, by design. */
static int setgroups_denied(int proc)
{
	char buf[8];

	return read_self(proc, "setgroups", buf, sizeof(buf)) > 0 && strncmp(buf, "deny", 4) == 0;
}

/* userns_name writes "user namespace INODE" (the one we are in now) into buf. */
static const char *userns_name(int proc, char *buf, size_t len)
{
	struct stat st;

	if ((proc >= 0 && fstatat(proc, "self/ns/user", &st, 0) == 0) || stat("/proc/self/ns/user", &st) == 0)
		snprintf(buf, len, "user namespace %lu", (unsigned long)st.st_ino);
	else
		snprintf(buf, len, "our user namespace");
	return buf;
}

/*
 * mapped_ids writes the ids our user namespace maps, as its uid_map or
 * gid_map (FILE) lists them inside ("0", "0-65535, 100000"), into buf. It
 * returns the number of ranges, or -1 when the map cannot be read.
 */
static int mapped_ids(int proc, const char *file, char *buf, size_t len)
{
	char map[4096], *save = NULL, *line;
	size_t used = 0;
	int ranges = 0;

	buf[0] = '\0';
	if (read_self(proc, file, map, sizeof(map)) < 0)
		return -1;
	for (line = strtok_r(map, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long first, outside, count;
		const char *sep = ranges ? ", " : "";

		if (sscanf(line, "%lu %lu %lu", &first, &outside, &count) != 3 || count == 0)
			continue;
		if (used < len) {
			if (ranges == 8)
				used += (size_t)snprintf(buf + used, len - used, ", ...");
			else if (ranges < 8 && count == 1)
				used += (size_t)snprintf(buf + used, len - used, "%s%lu", sep, first);
			else if (ranges < 8)
				used += (size_t)snprintf(buf + used, len - used, "%s%lu-%lu", sep, first, first + count - 1);
		}
		ranges++;
	}
	return ranges;
}

/*
 * cred_hint explains a failed setuid/setgid/setgroups (KIND "uid", "gid" or
 * "groups") in the user namespace we are in now, which is the one we joined
 * if any. setuid(2)/setgid(2) fail with EINVAL only for an id the namespace
 * does not map, and with EPERM without CAP_SETUID/CAP_SETGID there (joining
 * a user namespace grants every capability in it). setgroups(2) also fails
 * with EPERM while the namespace has no gid_map yet.
 */
static const char *cred_hint(int proc, const char *kind, long id, int err, char *buf, size_t len)
{
	int gid = strcmp(kind, "uid") != 0;
	const char *file = gid ? "gid_map" : "uid_map";
	const char *cap = gid ? "CAP_SETGID" : "CAP_SETUID";
	char ns[64], ids[256];
	int ranges;

	userns_name(proc, ns, sizeof(ns));
	if (!strcmp(kind, "groups")) {
		if (err != EPERM)
			return NULL;
		if (mapped_ids(proc, file, ids, sizeof(ids)) == 0)
			snprintf(buf, len, "%s has no gid_map yet, and dropping the supplementary groups needs one: "
				 "keep them with --preserve-credentials", ns);
		else
			snprintf(buf, len, "need CAP_SETGID in %s to drop the supplementary groups: "
				 "run as root, or keep them with --preserve-credentials", ns);
		return buf;
	}
	switch (err) {
	case EINVAL:
		ranges = mapped_ids(proc, file, ids, sizeof(ids));
		if (ranges < 0)
			snprintf(buf, len, "%s %ld is not mapped in %s (see %s of a process in it, /proc/PID/%s): "
				 "pick a mapped id with %s", kind, id, ns, file, file, gid ? "-G" : "-S");
		else if (ranges == 0)
			snprintf(buf, len, "%s %ld is not mapped in %s (its %s is empty: nothing is mapped yet): "
				 "leave ids alone with --preserve-credentials and no -S/-G", kind, id, ns, file);
		else
			snprintf(buf, len, "%s %ld is not mapped in %s (its %s maps only %s): pick a mapped id with %s",
				 kind, id, ns, file, ids, gid ? "-G" : "-S");
		return buf;
	case EPERM:
		snprintf(buf, len, "need %s in %s: run as root, or join the target's user namespace too (-U)", cap, ns);
		return buf;
	}
	return NULL;
}

static void __attribute__((noreturn)) fail_cred(const struct config *c, const char *what, const char *kind, long id, int err)
{
	char h[512];

	fail_hint(EXIT_SETUP, what, err, cred_hint(c->proc, kind, id, err, h, sizeof(h)));
}

static void set_credentials(const struct config *c, int groups_err)
{
	char what[64];
	int err;

	/* nsenter's rule: complain about setgroups only if it also failed before
	 * entering (root's call before succeeds; the namespace may deny it after).
	 * An unprivileged caller fails both; where the namespace denies it,
	 * keeping the groups is all the kernel allows, so go on. */
	if (c->gid >= 0 && setgroups(0, NULL) != 0 && groups_err) {
		err = errno; /* setgroups_denied's reads may change errno */
		if (!setgroups_denied(c->proc))
			fail_cred(c, "setgroups", "groups", 0, err);
	}
	if (c->gid >= 0 && setgid((gid_t)c->gid) != 0) {
		snprintf(what, sizeof(what), "setgid(%ld)", c->gid);
		fail_cred(c, what, "gid", c->gid, errno);
	}
	if (c->uid >= 0 && setuid((uid_t)c->uid) != 0) {
		snprintf(what, sizeof(what), "setuid(%ld)", c->uid);
		fail_cred(c, what, "uid", c->uid, errno);
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
		fail_hint(EXIT_SETUP, "chroot to --root", errno,
			  errno == EPERM ? "need CAP_SYS_CHROOT in the entered user namespace; run as root, or join the target's user namespace too (-U)" : NULL);
	if (c->wd >= 0 && fchdir(c->wd) != 0)
		fail(EXIT_SETUP, "fchdir to --wd", errno);
}

/*
 * enoent_hint explains an exec of CMD that failed with ENOENT. execvp looks
 * a name without a slash up in PATH and takes any other as a path; either is
 * resolved in the mount namespace and root we are in now, which are the
 * target's only when we entered them. A path that exists fails the same way
 * when its #! interpreter or ELF loader does not.
 */
static const char *enoent_hint(const struct config *c, const char *cmd, char *buf, size_t len)
{
	const char *where = (c->mnt & MNT_NS) ? "inside the entered mount namespace"
			    : (c->mnt & MNT_ROOT) ? "under --root" : NULL;

	if (strchr(cmd, '/') && where)
		snprintf(buf, len, "no such file %s, or its #! interpreter or loader is missing there", where);
	else if (strchr(cmd, '/'))
		snprintf(buf, len, "no such file, or its #! interpreter or loader is missing "
			 "(no mount namespace was entered: this is our own file system)");
	else if (where)
		snprintf(buf, len, "no such command %s (looked up in PATH there)", where);
	else
		snprintf(buf, len, "no such command in PATH (no mount namespace was entered: this is our own file system)");
	return buf;
}

__attribute__((constructor)) static void nstui_enter(int argc, char **argv, char **envp)
{
	const char *env = getenv(ENTER_ENV);
	struct config c;
	int groups_err = 0;
	char what[300], hint_buf[200];

	(void)envp;
	if (!env || argc < 1 || !argv || strcmp(argv[0], HELPER_ARG0) != 0)
		return; /* a normal nstui start */
	if (parse(env, &c) != 0 || argc < 2)
		fail_hint(EXIT_SETUP, "bad " ENTER_ENV " (nstui enter's internal protocol)", EINVAL, NULL);
	unsetenv(ENTER_ENV);
	/* For read_self, opened before anything switches. O_PATH: nothing is
	 * read unless setgroups/setgid/setuid fail. */
	c.proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (c.groups && setgroups(0, NULL) != 0)
		groups_err = errno;
	join(&c);
	chdirs(&c);
	close_all(&c);
	if (c.fork)
		continue_as_child(&c);
	set_credentials(&c, groups_err);
	if (c.proc >= 0)
		close(c.proc);
	if (c.fork)
		/* Our parent is outside the pid namespace; when it is killed, so is
		 * the command (set after setuid, which clears it). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);

	execvp(argv[1], argv + 1);
	if (c.shell && errno == ENOENT) {
		/* The default shell is missing there (a small image without bash):
		 * say so, and start /bin/sh instead. */
		fprintf(stderr, "nstui: enter: %s not found in the entered namespaces: starting /bin/sh\n", argv[1]);
		execl("/bin/sh", "sh", (char *)NULL);
	}
	snprintf(what, sizeof(what), "exec %s", argv[1]);
	if (errno == ENOENT)
		fail_hint(127, what, errno, enoent_hint(&c, argv[1], hint_buf, sizeof(hint_buf)));
	if (errno == EACCES)
		fail_hint(126, what, errno, "not executable there: no x permission, a noexec mount, or a directory");
	fail_hint(126, what, errno, NULL);
}
