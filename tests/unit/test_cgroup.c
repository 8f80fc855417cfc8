/* test_cgroup.c: the pure parts of cgroup.c: OCI -> cgroup v2 conversions,
 * the list of file writes, cgroupsPath resolution. */
#include "cgroup.h"
#include "json.h"
#include "unit.h"

/* The value written to file (the n-th occurrence, from 0), or NULL. */
static const char *value_of(const struct cg_settings *s, const char *file, int nth)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].file, file) == 0 && nth-- == 0)
			return s->v[i].value;
	return NULL;
}

TEST(shares_to_weight)
{
	CHECK_INT(cg_shares_to_weight(0), 0);
	CHECK_INT(cg_shares_to_weight(2), 1);
	CHECK_INT(cg_shares_to_weight(1024), 39);
	CHECK_INT(cg_shares_to_weight(262144), 10000);
	CHECK_INT(cg_shares_to_weight(1), 1);           /* clamped */
	CHECK_INT(cg_shares_to_weight(1000000), 10000); /* clamped */
}

TEST(blkio_weight)
{
	CHECK_INT(cg_blkio_to_io_weight(10), 1);
	CHECK_INT(cg_blkio_to_io_weight(1000), 10000);
	CHECK_INT(cg_blkio_to_io_weight(500), 1 + (490 * 9999) / 990);
}

TEST(controller_of)
{
	CHECK_INT(cg_controller_of("memory.max"), cg_controller_of("memory"));
	CHECK(cg_controller_of("cpu.max") != cg_controller_of("cpuset.cpus"));
	CHECK(cg_controller_of("cpu.weight") == cg_controller_of("cpu"));
	CHECK(cg_controller_of("hugetlb.2MB.max") != 0);
	CHECK_INT(cg_controller_of("cgroup.freeze"), 0);
	CHECK_INT(cg_controller_of("foo.bar"), 0);
}

TEST(resolve_path)
{
	char out[256];
	struct derr e = {0};
	CHECK_INT(cg_resolve_path(NULL, "c1", out, sizeof out, &e), 0);
	CHECK_STR(out, "raind/c1");
	CHECK_INT(cg_resolve_path("", "c1", out, sizeof out, &e), 0);
	CHECK_STR(out, "raind/c1");
	CHECK_INT(cg_resolve_path("/a/b", "c1", out, sizeof out, &e), 0);
	CHECK_STR(out, "a/b");
	CHECK_INT(cg_resolve_path("a//b/./c/", "c1", out, sizeof out, &e), 0);
	CHECK_STR(out, "a/b/c");
	CHECK_INT(cg_resolve_path("system.slice:raind:c1", "c1", out, sizeof out, &e), -1);
	CHECK_STR(e.msg, "linux.cgroupsPath \"system.slice:raind:c1\": systemd cgroup paths are not supported");
	CHECK_INT(cg_resolve_path("/a/../../etc", "c1", out, sizeof out, &e), -1);
	CHECK_STR(e.msg, "linux.cgroupsPath \"/a/../../etc\": must not contain \"..\"");
	CHECK_INT(cg_resolve_path("/", "c1", out, sizeof out, &e), -1);
	CHECK_INT(cg_resolve_path(NULL, "../x", out, sizeof out, &e), -1);
	CHECK_INT(cg_resolve_path("/abcdef", "c1", out, 4, &e), -1);
}

TEST(memory_and_swap)
{
	struct oci_resources r = {.present = true};
	struct cg_settings s;
	struct derr e = {0};
	r.memory.limit = (struct opt_i64){true, 1 << 30};
	r.memory.swap = (struct opt_i64){true, (1 << 30) + 4096};
	r.memory.reservation = (struct opt_i64){true, -1};
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "memory.max", 0), "1073741824");
	CHECK_STR(value_of(&s, "memory.swap.max", 0), "4096");
	CHECK_STR(value_of(&s, "memory.low", 0), "max");
	cg_settings_free(&s);

	r.memory.reservation.set = false;
	r.memory.limit.v = -1; /* unlimited memory, swap unset -> swap max too */
	r.memory.swap.set = false;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "memory.max", 0), "max");
	CHECK_STR(value_of(&s, "memory.swap.max", 0), "max");
	cg_settings_free(&s);

	r.memory.limit.set = false; /* swap without a memory limit */
	r.memory.swap = (struct opt_i64){true, 100};
	CHECK_INT(cg_settings_build(&r, &s, &e), -1);
	CHECK_STR(e.msg, "linux.resources.memory.swap: a swap limit needs a memory limit");
	CHECK_INT(s.n, 0);

	r.memory.limit = (struct opt_i64){true, 200};
	CHECK_INT(cg_settings_build(&r, &s, &e), -1);
	CHECK_STR(e.msg, "linux.resources.memory.swap: memory+swap limit 100 is below the memory limit 200");

	r.memory.swap.v = -1;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "memory.swap.max", 0), "max");
	cg_settings_free(&s);
}

TEST(cpu)
{
	struct oci_resources r = {.present = true};
	struct cg_settings s;
	struct derr e = {0};
	r.cpu.quota = (struct opt_i64){true, 80000};
	r.cpu.period = (struct opt_u64){true, 100000};
	r.cpu.shares = (struct opt_u64){true, 1024};
	r.cpu.cpus = "0-1";
	r.cpu.idle = (struct opt_i64){true, 1};
	r.cpu.burst = (struct opt_u64){true, 5000};
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "cpu.max", 0), "80000 100000");
	CHECK_STR(value_of(&s, "cpu.weight", 0), "39");
	CHECK_STR(value_of(&s, "cpuset.cpus", 0), "0-1");
	CHECK(value_of(&s, "cpuset.mems", 0) == NULL);
	CHECK_STR(value_of(&s, "cpu.idle", 0), "1");
	CHECK_STR(value_of(&s, "cpu.max.burst", 0), "5000");
	cg_settings_free(&s);

	r.cpu.quota.v = -1;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "cpu.max", 0), "max 100000");
	cg_settings_free(&s);

	r.cpu.quota.set = false;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "cpu.max", 0), "max 100000");
	cg_settings_free(&s);

	r.cpu.quota = (struct opt_i64){true, 50000};
	r.cpu.period.set = false; /* keep the kernel's period */
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "cpu.max", 0), "50000");
	cg_settings_free(&s);
}

TEST(pids)
{
	struct oci_resources r = {.present = true};
	struct cg_settings s;
	struct derr e = {0};
	r.pids.limit = (struct opt_i64){true, 10};
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "pids.max", 0), "10");
	cg_settings_free(&s);
	r.pids.limit.v = 0;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "pids.max", 0), "max");
	cg_settings_free(&s);
	r.pids.limit.v = -1;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "pids.max", 0), "max");
	cg_settings_free(&s);
}

TEST(block_io)
{
	struct oci_resources r = {.present = true};
	struct cg_settings s;
	struct derr e = {0};
	struct oci_throttle_dev rb[] = {{8, 0, 1048576}, {8, 16, 0}};
	struct oci_throttle_dev wi[] = {{259, 0, 300}};
	struct oci_weight_dev wd[] = {{8, 0, true, false, 500, 0}};
	r.block_io.has_weight = true;
	r.block_io.weight = 300;
	r.block_io.throttle_read_bps = rb;
	r.block_io.n_throttle_read_bps = 2;
	r.block_io.throttle_write_iops = wi;
	r.block_io.n_throttle_write_iops = 1;
	r.block_io.weight_device = wd;
	r.block_io.n_weight_device = 1;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "io.max", 0), "8:0 rbps=1048576");
	CHECK_STR(value_of(&s, "io.max", 1), "8:16 rbps=max");
	CHECK_STR(value_of(&s, "io.max", 2), "259:0 wiops=300");
	CHECK_STR(value_of(&s, "io.bfq.weight", 0), "300");
	CHECK_STR(value_of(&s, "io.bfq.weight", 1), "8:0 500");
	for (size_t i = 0; i < s.n; i++)
		if (strcmp(s.v[i].file, "io.bfq.weight") == 0) {
			CHECK_STR(s.v[i].alt_file, "io.weight");
			CHECK(strncmp(s.v[i].alt_value, strchr(s.v[i].value, ':') ? "8:0 " : "default ", 4) == 0);
		}
	cg_settings_free(&s);
}

TEST(hugetlb_rdma_unified)
{
	struct oci_resources r = {.present = true};
	struct cg_settings s;
	struct derr e = {0};
	char ps[] = "2MB", dev[] = "mlx4_0", k1[] = "memory.high", v1[] = "500M", bad[] = "../etc/passwd";
	struct {
		char *page_size;
		uint64_t limit;
	} hp[] = {{ps, 4194304}};
	struct {
		char *device;
		bool has_hca_handles, has_hca_objects;
		uint32_t hca_handles, hca_objects;
	} rd[] = {{dev, true, false, 2, 0}};
	struct oci_kv un[] = {{k1, v1}};
	r.hugepage_limits = (void *)hp;
	r.n_hugepage_limits = 1;
	r.rdma = (void *)rd;
	r.n_rdma = 1;
	r.unified = un;
	r.n_unified = 1;
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_STR(value_of(&s, "hugetlb.2MB.max", 0), "4194304");
	CHECK_STR(value_of(&s, "rdma.max", 0), "mlx4_0 hca_handle=2");
	CHECK_STR(value_of(&s, "memory.high", 0), "500M");
	CHECK(s.n == 3 && s.v[2].unified && !s.v[0].unified);
	cg_settings_free(&s);

	un[0].key = bad;
	CHECK_INT(cg_settings_build(&r, &s, &e), -1);
	CHECK_STR(e.msg, "linux.resources.unified: \"../etc/passwd\": not a cgroup file name");
	un[0].key = k1;
	ps[1] = '/';
	CHECK_INT(cg_settings_build(&r, &s, &e), -1);
}

TEST(empty_and_order)
{
	struct oci_resources r = {0};
	struct cg_settings s;
	struct derr e = {0};
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_INT(s.n, 0);
	cg_settings_free(&s);
	r.present = true;
	r.memory.limit = (struct opt_i64){true, 1073741824};
	r.cpu.quota = (struct opt_i64){true, 80000};
	r.cpu.period = (struct opt_u64){true, 100000};
	CHECK_INT(cg_settings_build(&r, &s, &e), 0);
	CHECK_INT(s.n, 2);
	CHECK_STR(s.v[0].file, "memory.max");
	CHECK_STR(s.v[1].file, "cpu.max");
	cg_settings_free(&s);
}

/* No cgroup at all (a v1-only host): lifecycle calls are no-ops or clear errors. */
TEST(no_cgroup)
{
	struct cg cg = {.dirfd = -1};
	struct derr e = {0};
	struct json_writer w;
	pid_t *pids;
	size_t n;
	snprintf(cg.rel, sizeof cg.rel, "raind/c1");
	CHECK_INT(cg_enter(&cg, 1, &e), 0);
	CHECK_INT(cg_destroy(&cg, &e), 0);
	CHECK_INT(cg_is_frozen(&cg), -1);
	CHECK_INT(cg_freeze(&cg, true, &e), -1);
	CHECK_STR(e.msg, "cgroup \"raind/c1\": freeze: no cgroup2 hierarchy on this host: Operation not supported");
	CHECK_INT(cg_pids(&cg, &pids, &n, &e), -1);
	jw_init(&w, 0);
	cg_stats_json(&cg, &w);
	char *out = jw_take(&w, NULL);
	CHECK_STR(out, "{}");
	free(out);
	jw_free(&w);
}

int main(void)
{
	RUN(shares_to_weight);
	RUN(blkio_weight);
	RUN(controller_of);
	RUN(resolve_path);
	RUN(memory_and_swap);
	RUN(cpu);
	RUN(pids);
	RUN(block_io);
	RUN(hugetlb_rdma_unified);
	RUN(empty_and_order);
	RUN(no_cgroup);
	UNIT_DONE();
}
