// Shared by init.c (the reaping init) and driver.c (nstui spawn's parent
// side): see init.c for the init and its protocol.
#ifndef NSTUI_INIT_H
#define NSTUI_INIT_H

#include <signal.h>
#include <stddef.h>

#define INIT_ENV "_NSTUI_INIT"       /* nsops.InitEnv */
#define INTERNAL_PREFIX "_NSTUI_"    /* nsops.internalEnvPrefix: never reaches the command */
#define EXIT_SETUP 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

/* Job-control messages between the parent and the init ('S' + the signal
 * up when the command stops; 'F' or 'B' down to continue it in the
 * foreground or background). */
#define JOB_STOPPED 'S'
#define JOB_CONT_FG 'F'
#define JOB_CONT_BG 'B'

/* What the init sets up: nsops.initConfig, encoded by its encode method. */
struct init_config {
	int mnt;            /* a new mount namespace: apply prop to / */
	const char *prop;   /* private, shared, slave or unchanged */
	int mount_proc, lo, time_ns, fg;
	long long mono, boot;
	char *host, *root, *wd;
	long grace_ms;
	unsigned long long ign; /* bit N-1: signal N was ignored by nstui's caller
				   (driver mode only): ignored in the command too */
};

/* nstui_die prints "nstui: " and the message on stderr, and _exits with code. */
void __attribute__((noreturn, format(printf, 2, 3))) nstui_die(int code, const char *fmt, ...);

/* nstui_err_text writes "ENOENT (No such file or directory)" into buf. */
const char *nstui_err_text(char *buf, size_t len, int err);

/* nstui_parse_init_config parses the encoded configuration; -1 when bad. */
int nstui_parse_init_config(const char *text, struct init_config *c);

/* nstui_init_main is the init, in the new namespaces: it sets the sandbox
 * up, runs argv with env (nstui's internal variables already removed),
 * reaps, forwards signals and exits with the command's status. parentfd is
 * a pidfd of the parent (-1: none), jobfd the init's end of the
 * job-control link (-1: none). Every other fd above 2 is made
 * close-on-exec. */
void __attribute__((noreturn)) nstui_init_main(const struct init_config *cfg, int parentfd, int jobfd,
					       char **argv, char **env);

/* nstui_ignored_signals returns the signals whose disposition is SIG_IGN
 * (bit N-1 for signal N), read before nstui_block_signals resets them. */
unsigned long long nstui_ignored_signals(void);

/* nstui_block_signals blocks every signal, puts every disposition back to
 * default and returns a signalfd for them all (dies on failure). */
int nstui_block_signals(void);

#endif
