/* fdtd-2d: 2-D finite-difference time-domain field update (SPEC.md, stencils/fdtd-2d). */
#include "harness.h"

static double ex[NX][NY], ey[NX][NY], hz[NX][NY], fict[TMAX];

void kernel_init(void) {
	for (int t = 0; t < TMAX; t++)
		fict[t] = (double)t;
	for (int i = 0; i < NX; i++)
		for (int j = 0; j < NY; j++) {
			ex[i][j] = ((double)i * (j + 1)) / NX;
			ey[i][j] = ((double)i * (j + 2)) / NY;
			hz[i][j] = ((double)i * (j + 3)) / NX;
		}
}

void kernel_run(void) {
	for (int t = 0; t < TMAX; t++) {
		for (int j = 0; j < NY; j++)
			ey[0][j] = fict[t];
		for (int i = 1; i < NX; i++)
			for (int j = 0; j < NY; j++)
				ey[i][j] = ey[i][j] - 0.5 * (hz[i][j] - hz[i - 1][j]);
		for (int i = 0; i < NX; i++)
			for (int j = 1; j < NY; j++)
				ex[i][j] = ex[i][j] - 0.5 * (hz[i][j] - hz[i][j - 1]);
		for (int i = 0; i < NX - 1; i++)
			for (int j = 0; j < NY - 1; j++)
				hz[i][j] = hz[i][j] - 0.7 * (((ex[i][j + 1] - ex[i][j]) + ey[i + 1][j]) - ey[i][j]);
	}
}

static void dump_field(const char *name, double (*x)[NY]) {
	dump_array_begin(name);
	for (int i = 0; i < NX; i++)
		for (int j = 0; j < NY; j++)
			dump_double(x[i][j], (long)i * NX + j);
	dump_array_end(name);
}

/* The reference prints the end marker after ex, and none after hz. */
void kernel_dump(void) {
	dump_begin();
	dump_field("ex", ex);
	dump_end();
	dump_field("ey", ey);
	dump_field("hz", hz);
}
