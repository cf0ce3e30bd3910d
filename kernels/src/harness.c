/* rtwasm benchmark harness: main(), arguments, timestamps and dumps.
 *
 * Timestamp protocol (stdout, one line each, CLOCK_REALTIME nanoseconds):
 *   rtwasm main_start <ns>
 *   rtwasm clock_resolution <ns>
 *   rtwasm iteration <i> <ns>      after init+kernel number i (1-based)
 *   rtwasm main_end <ns>
 * Options: --iterations N (default 1; 0 measures start-up alone), --dump.
 * Native builds lock their memory (mlockall) before main_start when the
 * environment has RTWASM_MLOCK=1 (failure is reported on stderr, and the
 * kernel runs unlocked); WebAssembly has no such call.
 *
 * WebAssembly builds also export rtwasm_job (one init+kernel run) and
 * rtwasm_dump, so that a host can rerun jobs in the same instance after
 * _start has returned (the hybrid executor does). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifndef __wasi__
#include <sys/mman.h>
#endif

#include "harness.h"

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stamp(const char *event, long long ns) {
	printf("rtwasm %s %lld\n", event, ns);
	fflush(stdout);
}

static void usage(const char *arg) {
	fprintf(stderr, "rtwasm harness: bad argument \"%s\"; usage: [--iterations N] [--dump]\n", arg);
	exit(2);
}

static void lock_memory(void) {
#ifndef __wasi__
	const char *v = getenv("RTWASM_MLOCK");
	if (v != NULL && strcmp(v, "1") == 0 && mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
		perror("rtwasm harness: mlockall (RTWASM_MLOCK=1)");
#endif
}

int main(int argc, char **argv) {
	lock_memory();
	long long start = now_ns();
	long iterations = 1;
	int dump = 0;
	struct timespec res;

	stamp("main_start", start);
	if (clock_getres(CLOCK_REALTIME, &res) == 0)
		stamp("clock_resolution", (long long)res.tv_sec * 1000000000LL + res.tv_nsec);
	for (int i = 1; i < argc; i++) {
		char *end;
		if (strcmp(argv[i], "--dump") == 0) {
			dump = 1;
		} else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			iterations = strtol(argv[++i], &end, 10);
			if (*end != '\0' || iterations < 0)
				usage(argv[i]);
		} else {
			usage(argv[i]);
		}
	}
	for (long i = 1; i <= iterations; i++) {
		kernel_init();
		kernel_run();
		printf("rtwasm iteration %ld %lld\n", i, now_ns());
		fflush(stdout);
	}
	if (dump && iterations > 0) {
		static char buf[1 << 16];
		setvbuf(stderr, buf, _IOFBF, sizeof buf);
		kernel_dump();
		fflush(stderr);
	}
	stamp("main_end", now_ns());
	return 0;
}

void dump_begin(void) { fputs("==BEGIN DUMP_ARRAYS==\n", stderr); }
void dump_end(void) { fputs("==END   DUMP_ARRAYS==\n", stderr); }
void dump_array_begin(const char *name) { fprintf(stderr, "begin dump: %s", name); }
void dump_array_end(const char *name) { fprintf(stderr, "\nend   dump: %s\n", name); }

void dump_double(double value, long key) {
	if (key % 20 == 0)
		fputc('\n', stderr);
	fprintf(stderr, "%.2f ", value);
}

void dump_int(int value, long key) {
	if (key % 20 == 0)
		fputc('\n', stderr);
	fprintf(stderr, "%d ", value);
}

void dump_double_newline_after(double value, long key) {
	fprintf(stderr, "%.2f ", value);
	if (key % 20 == 0)
		fputc('\n', stderr);
}

#ifdef __wasm__
__attribute__((export_name("rtwasm_job"))) void rtwasm_job(void) {
	kernel_init();
	kernel_run();
}

__attribute__((export_name("rtwasm_dump"))) void rtwasm_dump(void) {
	kernel_dump();
	fflush(stderr);
}
#endif
