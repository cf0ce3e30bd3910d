/* SPD-init (SPEC §7), shared by cholesky, lu and ludcmp: L lower triangular
 * with L[i][j] = -j/N + 1 below the diagonal and 1 on it, then A = L*L^T as
 * the full sum over t, as PolyBench's generator does, so that init costs the
 * same O(N^3) work inside the timed span. Include after defining A and L. */
static void spd_init(void) {
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			L[i][j] = j < i ? (double)(-j % N) / N + 1 : (j == i ? 1.0 : 0.0);
	for (int r = 0; r < N; r++)
		for (int s = 0; s < N; s++) {
			A[r][s] = 0;
			for (int t = 0; t < N; t++)
				A[r][s] += L[r][t] * L[s][t];
		}
}
