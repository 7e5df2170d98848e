/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A main() for libFuzzer targets in builds without libFuzzer (gcc): runs
 * the target over the files named on the command line, then over -runs=N
 * pseudo-random inputs from -seed=S, so every fuzz target also runs under
 * ASan/UBSan in the default test suite. Same flags as libFuzzer.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random bytes biased towards the values parsers trip on. */
static size_t
random_input(uint64_t *s, uint8_t *buf)
{
	static const uint8_t interesting[] = { 0, 1, 0x7f, 0x80, 0xfe, 0xff };
	size_t len = xorshift(s) % REPLAY_MAX_INPUT, i;

	for (i = 0; i < len; i++) {
		uint64_t r = xorshift(s);

		buf[i] = (r & 3) == 0 ?
			interesting[(r >> 8) % sizeof(interesting)] :
			(uint8_t)(r >> 16);
	}
	return len;
}

static int
run_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int
run_path(const char *path)
{
	char sub[4096];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (run_file(sub) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
main(int argc, char **argv)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	unsigned long runs = 1000, i;
	uint64_t seed = 1;
	int a;

	for (a = 1; a < argc; a++) {
		if (strncmp(argv[a], "-runs=", 6) == 0)
			runs = strtoul(argv[a] + 6, NULL, 10);
		else if (strncmp(argv[a], "-seed=", 6) == 0)
			seed = strtoull(argv[a] + 6, NULL, 10);
		else if (argv[a][0] == '-')
			continue; /* other libFuzzer flags mean nothing here */
		else if (run_path(argv[a]) < 0)
			return 1;
	}
	seed = seed * 0x9e3779b97f4a7c15ull + 1;
	for (i = 0; i < runs; i++)
		LLVMFuzzerTestOneInput(buf, random_input(&seed, buf));
	printf("fuzz replay: %lu random inputs, seed %llu: done\n", runs,
	       (unsigned long long)seed);
	return 0;
}
