/* nussinov: RNA secondary-structure base-pair maximisation by dynamic programming (SPEC.md, medley/nussinov). */
#include "harness.h"

static unsigned char seq[N];
static int table[N][N];

static int max_int(int a, int b) { return a >= b ? a : b; }
static int match(int a, int b) { return a + b == 3; }

void kernel_init(void) {
	for (int i = 0; i < N; i++)
		seq[i] = (unsigned char)((i + 1) % 4);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			table[i][j] = 0;
}

void kernel_run(void) {
	for (int i = N - 1; i >= 0; i--)
		for (int j = i + 1; j < N; j++) {
			int t = table[i][j];
			t = max_int(t, table[i][j - 1]);
			t = max_int(t, table[i + 1][j]);
			if (i < j - 1)
				t = max_int(t, table[i + 1][j - 1] + match(seq[i], seq[j]));
			else
				t = max_int(t, table[i + 1][j - 1]);
			for (int k = i + 1; k < j; k++)
				t = max_int(t, table[i][k] + table[k + 1][j]);
			table[i][j] = t;
		}
}

void kernel_dump(void) {
	long count = 0;

	dump_begin();
	dump_array_begin("table");
	for (int i = 0; i < N; i++)
		for (int j = i; j < N; j++)
			dump_int(table[i][j], count++);
	dump_array_end("table");
	dump_end();
}
