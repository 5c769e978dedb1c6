// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_callsites.c - the call-site symbolizers (collect/stacks/).
 *
 * kallsyms: the parser against a fixture read independently, line by line
 * with sscanf, here. ELF: the symbol tables against nm's listing of a
 * program this test compiles (nm is the reference), and the path from a
 * live address through /proc/self/maps to the name of a function of this
 * test. Bad input gives NULL or an error, never a crash.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"
#include "stacks.h"

#define FIX MFD_SOURCE_DIR "/tests/fixtures/kallsyms/"

struct ref {
	unsigned long long addr;
	char type;
	char name[128];
};

/* The fixture as a person reads it. */
static size_t read_ref(const char *path, struct ref *r, size_t cap)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = 0;

	assert_non_null(f);
	while (n < cap && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %127s", &r[n].addr, &r[n].type,
			   r[n].name) == 3)
			n++;
	}
	fclose(f);
	return n;
}

static void test_kallsyms_fixture(void **state)
{
	struct ref r[64];
	size_t n = read_ref(FIX "kallsyms.txt", r, 64), text = 0;
	struct mfd_ksyms ks;
	uint64_t off;

	(void)state;
	assert_int_equal(mfd_ksyms_load(&ks, FIX "kallsyms.txt"), 0);
	assert_false(ks.zeroed);
	for (size_t i = 0; i < n; i++) {
		const char *got;
		unsigned long long next = ~0ull;

		if (!strchr("tTwW", r[i].type)) {
			/* A data symbol is never an answer. */
			got = mfd_ksyms_lookup(&ks, r[i].addr, &off);
			assert_true(!got || strcmp(got, r[i].name));
			continue;
		}
		text++;
		got = mfd_ksyms_lookup(&ks, r[i].addr, &off);
		assert_non_null(got);
		assert_int_equal(strncmp(got, r[i].name, strlen(r[i].name)), 0);
		assert_int_equal(off, 0);
		/* The last byte before the next text symbol is still its. */
		for (size_t j = 0; j < n; j++)
			if (strchr("tTwW", r[j].type) &&
			    r[j].addr > r[i].addr && r[j].addr < next)
				next = r[j].addr;
		if (next != ~0ull) {
			got = mfd_ksyms_lookup(&ks, next - 1, &off);
			assert_int_equal(
				strncmp(got, r[i].name, strlen(r[i].name)), 0);
			assert_int_equal(off, next - 1 - r[i].addr);
		}
	}
	assert_int_equal(ks.n, text);
	/* The module's name follows the symbol's. */
	assert_string_equal(mfd_ksyms_lookup(&ks, 0xffffffffc0201000ull, &off),
			    "ftrace_trampoline [__builtin__ftrace]");
	assert_null(mfd_ksyms_lookup(&ks, 0x1000, &off));
	mfd_ksyms_free(&ks);
}

static void test_kallsyms_zeroed_and_bad(void **state)
{
	struct mfd_ksyms ks;
	char buf[64];

	(void)state;
	assert_int_equal(mfd_ksyms_load(&ks, FIX "kallsyms-zeroed.txt"), 0);
	assert_true(ks.zeroed);
	assert_int_equal(ks.n, 0);
	/* Frames are then addresses. */
	mfd_callsite_kframe(&ks, 0xffffffff8141f390ull, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff8141f390");
	mfd_ksyms_free(&ks);
	assert_int_equal(mfd_ksyms_parse(&ks, "garbage\n\n", 9), -EINVAL);
	assert_int_equal(mfd_ksyms_parse(&ks, "", 0), -EINVAL);
	assert_int_equal(mfd_ksyms_parse(&ks, "ffffffff8141f390 T", 18),
			 -EINVAL);
	assert_int_equal(mfd_ksyms_load(&ks, FIX "no-such-file"), -ENOENT);
	assert_int_equal(mfd_ksyms_load(&ks, FIX "kallsyms.txt"), 0);
	mfd_callsite_kframe(&ks, 0xffffffff8141f39aull, buf, sizeof(buf));
	assert_string_equal(buf, "dma_free_pages+0xa");
	mfd_ksyms_free(&ks);
}

static const char prog[] =
	"static int __attribute__((noinline)) local_fn(int x)\n"
	"{ return x * 3 + 1; }\n"
	"int global_fn(int x) { return local_fn(x) + 2; }\n"
	"int main(int argc, char **argv) { (void)argv;\n"
	"  return global_fn(argc) == 0; }\n";

/* nm's listing of path: name of every defined function, its address and
 * size. */
static size_t nm_funcs(const char *nm_args, struct ref *r, size_t cap,
		       unsigned long long *size)
{
	char cmd[2560], line[512];
	FILE *p;
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "nm --defined-only -S %s", nm_args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n < cap && fgets(line, sizeof(line), p)) {
		if (sscanf(line, "%llx %llx %c %127s", &r[n].addr, &size[n],
			   &r[n].type, r[n].name) == 4 &&
		    strchr("tTwWi", r[n].type) && r[n].addr && size[n])
			n++;
	}
	pclose(p);
	return n;
}

static void test_elf_against_nm(void **state)
{
	char dir[] = "/tmp/mfd-test-elfsyms.XXXXXX", cmd[2048], bin[256],
	     strip[256], src[256];
	struct ref r[512];
	unsigned long long size[512];
	struct mfd_elfsyms *e;
	size_t n;
	uint64_t off;
	FILE *f;

	(void)state;
	if (system("cc --version >/dev/null 2>&1") ||
	    system("nm --version >/dev/null 2>&1")) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/p.c", dir);
	snprintf(bin, sizeof(bin), "%s/p", dir);
	snprintf(strip, sizeof(strip), "%s/p.stripped", dir);
	f = fopen(src, "w");
	assert_non_null(f);
	fputs(prog, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "cc -O1 -fPIE -pie -o %s %s && strip -s -o %s %s", bin, src,
		 strip, bin);
	assert_int_equal(system(cmd), 0);

	e = mfd_elfsyms_open(bin);
	assert_non_null(e);
	n = nm_funcs(bin, r, 512, size);
	assert_true(n >= 3); /* local_fn, global_fn, main at least */
	for (size_t i = 0; i < n; i++) {
		const char *first =
			mfd_elfsyms_lookup_vaddr(e, r[i].addr, &off);
		const char *last = mfd_elfsyms_lookup_vaddr(
			e, r[i].addr + size[i] - 1, NULL);

		assert_non_null(first);
		assert_int_equal(off, 0);
		assert_non_null(last);
		/* An alias at the same address may answer instead. */
		if (strcmp(first, r[i].name)) {
			bool alias = false;

			for (size_t j = 0; j < n; j++)
				alias |= r[j].addr == r[i].addr &&
					 !strcmp(r[j].name, first);
			assert_true(alias);
		}
	}
	mfd_elfsyms_free(e);

	/* Stripped: .dynsym only; what nm -D lists is found, local_fn is
	 * not (addresses only). */
	e = mfd_elfsyms_open(strip);
	assert_non_null(e);
	snprintf(cmd, sizeof(cmd), "-D %s", strip);
	n = nm_funcs(cmd, r, 512, size);
	assert_int_equal(mfd_elfsyms_count(e), n);
	for (size_t i = 0; i < n; i++)
		assert_non_null(mfd_elfsyms_lookup_vaddr(e, r[i].addr, NULL));
	n = nm_funcs(bin, r, 512, size);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].name, "local_fn"))
			assert_null(
				mfd_elfsyms_lookup_vaddr(e, r[i].addr, NULL));
	mfd_elfsyms_free(e);

	/* Not ELF, or gone: NULL, no crash. */
	assert_null(mfd_elfsyms_open(src));
	assert_null(mfd_elfsyms_open("/nonexistent/mfd"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int __attribute__((noinline)) mfd_test_marker_fn(int x);
int __attribute__((noinline)) mfd_test_marker_fn(int x)
{
	return x * 7 + 3;
}

/* A live address of this test, through its own maps, to its name. */
static void test_uframe_self(void **state)
{
	struct mfd_elfcache *c = mfd_elfcache_new();
	uint64_t addr = (uint64_t)(uintptr_t)&mfd_test_marker_fn + 4;
	char *maps, buf[256], want[256], exe[256];
	size_t len;
	ssize_t el;

	(void)state;
	assert_non_null(c);
	assert_int_equal(mfd_file_read("/proc/self/maps", 1 << 24, &maps, &len),
			 0);
	mfd_callsite_uframe(c, (uint32_t)getpid(), maps, len, addr, buf,
			    sizeof(buf));
	el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(el > 0);
	exe[el] = '\0';
	snprintf(want, sizeof(want), "mfd_test_marker_fn+0x4 (%s)",
		 strrchr(exe, '/') + 1);
	assert_string_equal(buf, want);
	/* No mapping holds it, or no maps at all: the address. */
	mfd_callsite_uframe(c, 1, maps, len, 0x10, buf, sizeof(buf));
	assert_string_equal(buf, "0x10");
	mfd_callsite_uframe(c, 1, NULL, 0, addr, buf, sizeof(buf));
	snprintf(want, sizeof(want), "0x%llx", (unsigned long long)addr);
	assert_string_equal(buf, want);
	mfd_callsite_uframe(c, 1, "junk\nmore junk", 14, addr, buf,
			    sizeof(buf));
	assert_string_equal(buf, want);
	free(maps);
	mfd_elfcache_free(c);
	assert_int_equal(mfd_test_marker_fn(1), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_fixture),
		cmocka_unit_test(test_kallsyms_zeroed_and_bad),
		cmocka_unit_test(test_elf_against_nm),
		cmocka_unit_test(test_uframe_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
