/* rtwasm benchmark harness: the interface between a kernel and main().
 *
 * A kernel file defines kernel_init, kernel_run and kernel_dump; its sizes
 * arrive as -D macros chosen by the Go catalogue for the dataset being built.
 * The harness owns main(), the command line, the clock and the dump format. */
#ifndef RTWASM_HARNESS_H
#define RTWASM_HARNESS_H

/* Sets every input array to its initial value (called before each run). */
void kernel_init(void);
/* Computes the kernel once. */
void kernel_run(void);
/* Prints the output arrays with the dump_* helpers below. */
void kernel_dump(void);

/* Dump helpers: they write the reference format to stderr. */
void dump_begin(void);
void dump_end(void);
void dump_array_begin(const char *name);
void dump_array_end(const char *name);
/* A newline precedes the value when key is a multiple of 20. */
void dump_double(double value, long key);
void dump_int(int value, long key);
/* trisolv's layout: the newline follows the value when key % 20 == 0. */
void dump_double_newline_after(double value, long key);

#endif
