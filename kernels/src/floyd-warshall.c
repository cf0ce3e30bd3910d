/* floyd-warshall: all-pairs shortest path lengths, in place (SPEC.md, medley/floyd-warshall). */
#include "harness.h"

static int path[N][N];

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			path[i][j] = i * j % 7 + 1;
			if ((i + j) % 13 == 0 || (i + j) % 7 == 0 || (i + j) % 11 == 0)
				path[i][j] = 999;
		}
}

void kernel_run(void) {
	for (int k = 0; k < N; k++)
		for (int i = 0; i < N; i++)
			for (int j = 0; j < N; j++)
				path[i][j] = path[i][j] < path[i][k] + path[k][j] ? path[i][j] : path[i][k] + path[k][j];
}

void kernel_dump(void) {
	dump_begin();
	dump_array_begin("path");
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			dump_int(path[i][j], (long)i * N + j);
	dump_array_end("path");
	dump_end();
}
