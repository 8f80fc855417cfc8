/* cgroup_resources.c: the pure half of cgroup v2: linux.resources turned
 * into the list of (file, value) writes, in a fixed order, with runc's
 * conversions (shares to weight, swap arithmetic, io.max lines), and
 * linux.cgroupsPath resolved. cgroup.c applies the list. */
#include "cgroup.h"

#include <inttypes.h>
#include <limits.h>

/* ---- conversions ---- */

uint64_t cg_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	if (weight > 1000)
		weight = 1000;
	return 1 + ((weight - 10) * 9999) / 990;
}

int cg_resolve_path(const char *cp, const char *id, char *out, size_t n, struct derr *e)
{
	size_t o = 0;
	if (!cp || !*cp) {
		if (!id || !*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
			return derr_set(e, EINVAL, "cgroup for container \"%s\": invalid id", id ? id : "");
		if ((size_t)snprintf(out, n, "raind/%s", id) >= n)
			return derr_set(e, ENAMETOOLONG, "cgroup \"raind/%s\"", id);
		return 0;
	}
	if (strchr(cp, ':'))
		return derr_set(e, 0, "linux.cgroupsPath \"%s\": systemd cgroup paths are not supported", cp);
	/* Absolute and relative both live below the cgroup2 root; normalise. */
	for (const char *p = cp; *p;) {
		size_t len = strcspn(p, "/");
		if (len == 2 && strncmp(p, "..", 2) == 0)
			return derr_set(e, 0, "linux.cgroupsPath \"%s\": must not contain \"..\"", cp);
		if (len && !(len == 1 && *p == '.')) {
			if (o + len + 2 > n)
				return derr_set(e, ENAMETOOLONG, "linux.cgroupsPath \"%s\"", cp);
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
		p += strspn(p, "/");
	}
	out[o] = 0;
	if (!o)
		return derr_set(e, 0, "linux.cgroupsPath \"%s\": names the cgroup root", cp);
	return 0;
}

/* ---- linux.resources -> writes ---- */

static struct cg_setting *add(struct cg_settings *s, const char *file, const char *value, const char *oci)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	struct cg_setting *x = &s->v[s->n++];
	*x = (struct cg_setting){.file = xstrdup(file), .value = xstrdup(value), .oci = oci};
	return x;
}

void cg_settings_free(struct cg_settings *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].file);
		free(s->v[i].value);
		free(s->v[i].alt_value);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* A scalar formatter: 1 = write buf, 0 = field unset, -1 = config error. */
typedef int (*cg_fmt)(const struct oci_resources *r, char *buf, size_t n, struct derr *e);

static int fmt_limit(int64_t v, char *buf, size_t n)
{
	if (v < 0)
		snprintf(buf, n, "max");
	else
		snprintf(buf, n, "%" PRId64, v);
	return 1;
}

/* OCI swap is memory+swap; v2 memory.swap.max is swap alone (runc's rules). */
static int fmt_swap(const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	int64_t mem = r->memory.limit.set ? r->memory.limit.v : 0;
	int64_t sw = r->memory.swap.set ? r->memory.swap.v : 0;
	if (mem == -1 && sw == 0)
		return fmt_limit(-1, buf, n);
	if (sw == 0)
		return 0;
	if (sw < 0)
		return fmt_limit(-1, buf, n);
	if (mem <= 0)
		return derr_set(e, 0, "linux.resources.memory.swap: a swap limit needs a memory limit");
	if (sw < mem)
		return derr_set(e, 0,
		                "linux.resources.memory.swap: memory+swap limit %" PRId64
		                " is below the memory limit %" PRId64,
		                sw, mem);
	return fmt_limit(sw - mem, buf, n);
}

static int fmt_cpu_weight(const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	if (!r->cpu.shares.set || !r->cpu.shares.v)
		return 0;
	snprintf(buf, n, "%" PRIu64, cg_shares_to_weight(r->cpu.shares.v));
	return 1;
}

/* "QUOTA PERIOD"; quota -1/unset with a period gives "max PERIOD". */
static int fmt_cpu_max(const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	bool q = r->cpu.quota.set && r->cpu.quota.v != 0;
	bool p = r->cpu.period.set && r->cpu.period.v != 0;
	size_t o;
	if (!q && !p)
		return 0;
	if (q && r->cpu.quota.v > 0)
		o = snprintf(buf, n, "%" PRId64, r->cpu.quota.v);
	else
		o = snprintf(buf, n, "max");
	if (p)
		snprintf(buf + o, n - o, " %" PRIu64, r->cpu.period.v);
	return 1;
}

static int fmt_str(const char *s, char *buf, size_t n, const char *what, struct derr *e)
{
	if (!s || !*s)
		return 0;
	if (strlen(s) >= n || strchr(s, '\n'))
		return derr_set(e, 0, "linux.resources.%s: invalid value", what);
	snprintf(buf, n, "%s", s);
	return 1;
}

static int fmt_bfq_weight(const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	if (!r->block_io.has_weight || !r->block_io.weight)
		return 0;
	snprintf(buf, n, "%u", (unsigned)r->block_io.weight);
	return 1;
}

static int fmt_io_weight(const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	snprintf(buf, n, "default %" PRIu64, cg_blkio_to_io_weight(r->block_io.weight));
	return 1;
}

/* How a table entry reads its field: K_LIMIT is an opt_i64 where -1 means
 * "max" and 0 unset; K_PIDS is an opt_i64 where <= 0 means "max". */
enum cg_kind { K_LIMIT, K_PIDS, K_U64, K_I64, K_STR, K_FN };

#define RES(f) offsetof(struct oci_resources, f)
static const struct cg_key {
	const char *file, *oci;
	enum cg_kind kind;
	size_t off;           /* the field in struct oci_resources */
	cg_fmt fn;            /* K_FN */
	const char *alt_file; /* when file is missing (io.bfq.weight without BFQ) */
	cg_fmt alt_fn;
} cg_keys[] = {
    {"memory.max", "memory.limit", K_LIMIT, RES(memory.limit), NULL, NULL, NULL},
    {"memory.low", "memory.reservation", K_LIMIT, RES(memory.reservation), NULL, NULL, NULL},
    {"memory.swap.max", "memory.swap", K_FN, 0, fmt_swap, NULL, NULL},
    {"cpu.weight", "cpu.shares", K_FN, 0, fmt_cpu_weight, NULL, NULL},
    {"cpu.max", "cpu.quota", K_FN, 0, fmt_cpu_max, NULL, NULL},
    {"cpu.max.burst", "cpu.burst", K_U64, RES(cpu.burst), NULL, NULL, NULL},
    {"cpu.idle", "cpu.idle", K_I64, RES(cpu.idle), NULL, NULL, NULL},
    {"cpuset.cpus", "cpu.cpus", K_STR, RES(cpu.cpus), NULL, NULL, NULL},
    {"cpuset.mems", "cpu.mems", K_STR, RES(cpu.mems), NULL, NULL, NULL},
    {"pids.max", "pids.limit", K_PIDS, RES(pids.limit), NULL, NULL, NULL},
    {"io.bfq.weight", "blockIO.weight", K_FN, 0, fmt_bfq_weight, "io.weight", fmt_io_weight},
};

static int fmt_key(const struct cg_key *k, const struct oci_resources *r, char *buf, size_t n, struct derr *e)
{
	const void *f = (const char *)r + k->off;
	const struct opt_i64 *i = f;
	const struct opt_u64 *u = f;
	switch (k->kind) {
	case K_LIMIT:
		return i->set && i->v ? fmt_limit(i->v, buf, n) : 0;
	case K_PIDS:
		return i->set ? fmt_limit(i->v > 0 ? i->v : -1, buf, n) : 0;
	case K_I64:
		return i->set ? snprintf(buf, n, "%" PRId64, i->v) > 0 : 0;
	case K_U64:
		return u->set ? snprintf(buf, n, "%" PRIu64, u->v) > 0 : 0;
	case K_STR:
		return fmt_str(*(char *const *)f, buf, n, k->oci, e);
	case K_FN:
		break;
	}
	return k->fn(r, buf, n, e);
}

static const struct cg_throttle {
	const char *key, *oci;
	size_t list, count; /* offsets in struct oci_resources */
} cg_throttles[] = {
    {"rbps", "blockIO.throttleReadBpsDevice", RES(block_io.throttle_read_bps), RES(block_io.n_throttle_read_bps)},
    {"wbps", "blockIO.throttleWriteBpsDevice", RES(block_io.throttle_write_bps), RES(block_io.n_throttle_write_bps)},
    {"riops", "blockIO.throttleReadIOPSDevice", RES(block_io.throttle_read_iops), RES(block_io.n_throttle_read_iops)},
    {"wiops", "blockIO.throttleWriteIOPSDevice", RES(block_io.throttle_write_iops),
     RES(block_io.n_throttle_write_iops)},
};

static void build_io_lists(const struct oci_resources *r, struct cg_settings *s)
{
	char v[128];
	for (size_t i = 0; i < r->block_io.n_weight_device; i++) {
		const struct oci_weight_dev *d = &r->block_io.weight_device[i];
		if (!d->has_weight)
			continue;
		snprintf(v, sizeof v, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned)d->weight);
		struct cg_setting *x = add(s, "io.bfq.weight", v, "blockIO.weightDevice");
		snprintf(v, sizeof v, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
		         cg_blkio_to_io_weight(d->weight));
		x->alt_file = "io.weight";
		x->alt_value = xstrdup(v);
	}
	for (size_t t = 0; t < ARRAY_SIZE(cg_throttles); t++) {
		const struct cg_throttle *th = &cg_throttles[t];
		const struct oci_throttle_dev *list = *(struct oci_throttle_dev *const *)((const char *)r + th->list);
		size_t cnt = *(const size_t *)((const char *)r + th->count);
		for (size_t i = 0; i < cnt; i++) {
			/* v1 semantics: rate 0 removes the limit */
			if (list[i].rate)
				snprintf(v, sizeof v, "%" PRId64 ":%" PRId64 " %s=%" PRIu64, list[i].major,
				         list[i].minor, th->key, list[i].rate);
			else
				snprintf(v, sizeof v, "%" PRId64 ":%" PRId64 " %s=max", list[i].major, list[i].minor,
				         th->key);
			add(s, "io.max", v, th->oci);
		}
	}
}

static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') || *s == '_' ||
		      *s == '-' || *s == '.'))
			return false;
	return true;
}

static int build_lists(const struct oci_resources *r, struct cg_settings *s, struct derr *e)
{
	char f[128], v[256];
	build_io_lists(r, s);
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *ps = r->hugepage_limits[i].page_size;
		if (!ps || !plain_name(ps) || strchr(ps, '.') || strlen(ps) > 32)
			return derr_set(e, 0, "linux.resources.hugepageLimits[%zu].pageSize \"%s\": invalid", i,
			                ps ? ps : "");
		snprintf(f, sizeof f, "hugetlb.%s.max", ps);
		snprintf(v, sizeof v, "%" PRIu64, r->hugepage_limits[i].limit);
		add(s, f, v, "hugepageLimits");
	}
	for (size_t i = 0; i < r->n_rdma; i++) {
		const char *dev = r->rdma[i].device;
		if (!dev || !plain_name(dev) || strlen(dev) > 64)
			return derr_set(e, 0, "linux.resources.rdma: device \"%s\": invalid", dev ? dev : "");
		int o = snprintf(v, sizeof v, "%s", dev);
		if (r->rdma[i].has_hca_handles)
			o += snprintf(v + o, sizeof v - o, " hca_handle=%u", r->rdma[i].hca_handles);
		if (r->rdma[i].has_hca_objects)
			snprintf(v + o, sizeof v - o, " hca_object=%u", r->rdma[i].hca_objects);
		add(s, "rdma.max", v, "rdma");
	}
	for (size_t i = 0; i < r->n_unified; i++) {
		const char *k = r->unified[i].key;
		if (!k || !plain_name(k) || k[0] == '.')
			return derr_set(e, 0, "linux.resources.unified: \"%s\": not a cgroup file name", k ? k : "");
		add(s, k, r->unified[i].value ? r->unified[i].value : "", "unified")->unified = true;
	}
	return 0;
}

int cg_settings_build(const struct oci_resources *r, struct cg_settings *s, struct derr *e)
{
	char buf[4096], alt[128];
	s->v = NULL;
	s->n = 0;
	if (!r || !r->present)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(cg_keys); i++) {
		const struct cg_key *k = &cg_keys[i];
		int rc = fmt_key(k, r, buf, sizeof buf, e);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			continue;
		struct cg_setting *x = add(s, k->file, buf, k->oci);
		if (k->alt_file && k->alt_fn(r, alt, sizeof alt, e) > 0) {
			x->alt_file = k->alt_file;
			x->alt_value = xstrdup(alt);
		}
	}
	if (build_lists(r, s, e) == 0)
		return 0;
fail:
	cg_settings_free(s);
	return -1;
}
