/* A minimal launcher, the baseline for rtwasm's harness overhead: read
 * CLOCK_REALTIME, posix_spawn the program with its stdout on a pipe, and
 * print main_start minus that launch time (from the kernel's protocol). */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
	int fd[2], status;
	pid_t pid;
	char out[4096];
	size_t len = 0;
	ssize_t n;
	struct timespec ts;
	posix_spawn_file_actions_t actions;

	if (argc < 2 || pipe(fd) != 0)
		return 2;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fd[1], 1);
	posix_spawn_file_actions_addclose(&actions, fd[0]);
	clock_gettime(CLOCK_REALTIME, &ts);
	long long launch = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	if (posix_spawn(&pid, argv[1], &actions, NULL, argv + 1, environ) != 0)
		return 3;
	close(fd[1]);
	while (len < sizeof out - 1 && (n = read(fd[0], out + len, sizeof out - 1 - len)) > 0)
		len += n;
	out[len] = '\0';
	waitpid(pid, &status, 0);
	char *start = strstr(out, "rtwasm main_start ");
	if (start == NULL)
		return 4;
	printf("%lld\n", atoll(start + strlen("rtwasm main_start ")) - launch);
	return 0;
}
