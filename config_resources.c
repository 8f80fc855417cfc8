/* config_resources.c: linux.resources of config.json: the device cgroup
 * rules, memory, cpu, pids, blockIO, hugepages, network, rdma and unified. */
#include "config_int.h"

typedef __typeof__(((struct oci_resources *)0)->hugepage_limits[0]) hugepage_t;
typedef __typeof__(((struct oci_resources *)0)->network.priorities[0]) netprio_t;
typedef __typeof__(((struct oci_resources *)0)->rdma[0]) rdma_t;

static const struct name_val dev_cg_types[] = {{"a", 'a'}, {"c", 'c'}, {"b", 'b'}};

static int check_access(struct cctx *c, const char *s)
{
	for (const char *p = s; *p; p++)
		if (!strchr("rwm", *p) || strchr(p + 1, *p))
			return cerr(c, "must be a combination of \"r\", \"w\" and \"m\", not \"%s\"", s);
	return 0;
}

static int cfg_dev_rule(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_device_cgroup *d = (struct oci_device_cgroup *)base + i;
	long type = 'a';
	char *access = NULL;
	int r;
	TRY(r = get_bool(c, o, "allow", &d->allow));
	if (!r)
		return cerr_at(c, "allow", "required");
	TRY(get_enum(c, o, "type", dev_cg_types, ARRAY_SIZE(dev_cg_types), "device type", &type));
	d->type = (char)type;
	TRY(r = get_i64(c, o, "major", &d->major));
	d->has_major = r > 0;
	if (d->has_major && d->major < -1)
		return cerr_at(c, "major", "must be -1 (any) or a device number");
	TRY(r = get_i64(c, o, "minor", &d->minor));
	d->has_minor = r > 0;
	if (d->has_minor && d->minor < -1)
		return cerr_at(c, "minor", "must be -1 (any) or a device number");
	TRY(get_string_checked(c, o, "access", check_access, &access));
	if (access)
		memcpy(d->access, access, strlen(access) + 1);
	return 0;
}

/* Memory values: -1 means unlimited; 2^64-1 (what some tools write for
 * "no limit") is taken as -1 as well. */
static int get_mem(struct cctx *c, const struct json_value *o, const char *key, struct opt_i64 *out)
{
	const struct json_value *v = field(o, key);
	if (v && v->type == JSON_NUMBER && v->num.kind == JSON_UINT && v->num.u == UINT64_MAX) {
		*out = (struct opt_i64){true, -1};
		return 1;
	}
	TRY(get_opt_i64(c, o, key, out));
	if (out->set && out->v < -1)
		return cerr_at(c, key, "must be -1 (unlimited) or a number of bytes");
	return out->set;
}

static int cfg_memory(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	int g;
	TRY(get_mem(c, o, "limit", &r->memory.limit));
	TRY(get_mem(c, o, "reservation", &r->memory.reservation));
	TRY(get_mem(c, o, "swap", &r->memory.swap));
	TRY(get_mem(c, o, "kernel", &r->memory.kernel));
	TRY(get_mem(c, o, "kernelTCP", &r->memory.kernel_tcp));
	TRY(get_opt_u64(c, o, "swappiness", &r->memory.swappiness));
	if (r->memory.swappiness.set && r->memory.swappiness.v > 100)
		return cerr_at(c, "swappiness", "must be 0..100");
	TRY(g = get_bool(c, o, "disableOOMKiller", &r->memory.disable_oom_killer));
	r->memory.has_disable_oom_killer = g > 0;
	TRY(g = get_bool(c, o, "useHierarchy", &r->memory.use_hierarchy));
	r->memory.has_use_hierarchy = g > 0;
	TRY(g = get_bool(c, o, "checkBeforeUpdate", &r->memory.check_before_update));
	r->memory.has_check_before_update = g > 0;
	return 0;
}

static int cfg_cpu(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	TRY(get_opt_u64(c, o, "shares", &r->cpu.shares));
	TRY(get_opt_i64(c, o, "quota", &r->cpu.quota));
	TRY(get_opt_u64(c, o, "burst", &r->cpu.burst));
	TRY(get_opt_u64(c, o, "period", &r->cpu.period));
	TRY(get_opt_i64(c, o, "realtimeRuntime", &r->cpu.realtime_runtime));
	TRY(get_opt_u64(c, o, "realtimePeriod", &r->cpu.realtime_period));
	TRY(get_string_checked(c, o, "cpus", check_cpu_list, &r->cpu.cpus));
	TRY(get_string_checked(c, o, "mems", check_cpu_list, &r->cpu.mems));
	TRY(get_opt_i64(c, o, "idle", &r->cpu.idle));
	return 0;
}

static int get_weight(struct cctx *c, const struct json_value *o, const char *key, bool *has, uint16_t *out)
{
	uint32_t w = 0;
	int r = get_u32_range(c, o, key, 10, 1000, &w);
	TRY(r);
	*has = r > 0;
	*out = (uint16_t)w;
	return 0;
}

static int cfg_weight_dev(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_weight_dev *d = (struct oci_weight_dev *)base + i;
	TRY(need_i64(c, o, "major", &d->major));
	TRY(need_i64(c, o, "minor", &d->minor));
	TRY(get_weight(c, o, "weight", &d->has_weight, &d->weight));
	return get_weight(c, o, "leafWeight", &d->has_leaf_weight, &d->leaf_weight);
}

static int cfg_throttle_dev(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_throttle_dev *d = (struct oci_throttle_dev *)base + i;
	TRY(need_i64(c, o, "major", &d->major));
	TRY(need_i64(c, o, "minor", &d->minor));
	return need_u64(c, o, "rate", &d->rate);
}

static int cfg_blkio(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	TRY(get_weight(c, o, "weight", &r->block_io.has_weight, &r->block_io.weight));
	TRY(get_weight(c, o, "leafWeight", &r->block_io.has_leaf_weight, &r->block_io.leaf_weight));
	TRY(get_obj_array(c, o, "weightDevice", sizeof(struct oci_weight_dev), (void **)&r->block_io.weight_device,
	                  &r->block_io.n_weight_device, cfg_weight_dev));
	static const struct {
		const char *key;
		size_t list, count;
	} throttles[] = {
#define T(k, f) {k, offsetof(struct oci_resources, block_io.f), offsetof(struct oci_resources, block_io.n_##f)}
	    T("throttleReadBpsDevice", throttle_read_bps),
	    T("throttleWriteBpsDevice", throttle_write_bps),
	    T("throttleReadIOPSDevice", throttle_read_iops),
	    T("throttleWriteIOPSDevice", throttle_write_iops),
#undef T
	};
	for (size_t i = 0; i < ARRAY_SIZE(throttles); i++)
		TRY(get_obj_array(c, o, throttles[i].key, sizeof(struct oci_throttle_dev),
		                  (void **)((char *)r + throttles[i].list), (size_t *)((char *)r + throttles[i].count),
		                  cfg_throttle_dev));
	return 0;
}

static int check_page_size(struct cctx *c, const char *s)
{
	const char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s || s[0] == '0' || !p[0] || !strchr("KMGTP", p[0]) || strcmp(p + 1, "B") != 0)
		return cerr(c, "must be a size like \"2MB\", not \"%s\"", s);
	return 0;
}

static int cfg_hugepage(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	hugepage_t *h = (hugepage_t *)base + i;
	int r = get_string_checked(c, o, "pageSize", check_page_size, &h->page_size);
	TRY(r);
	if (!r)
		return cerr_at(c, "pageSize", "required");
	return need_u64(c, o, "limit", &h->limit);
}

static int cfg_netprio(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	netprio_t *p = (netprio_t *)base + i;
	TRY(need_string(c, o, "name", &p->name));
	return need_u32(c, o, "priority", &p->priority);
}

static int cfg_network(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	int g = get_u32(c, o, "classID", &r->network.class_id);
	TRY(g);
	r->network.has_class_id = g > 0;
	return get_obj_array(c, o, "priorities", sizeof(netprio_t), (void **)&r->network.priorities,
	                     &r->network.n_priorities, cfg_netprio);
}

static int cfg_rdma(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	const struct json_member **mem;
	size_t n = uniq_members(c, o, &mem);
	r->rdma = n ? arena_alloc(c->a, n * sizeof *r->rdma) : NULL;
	r->n_rdma = n;
	for (size_t i = 0; i < n; i++) {
		rdma_t *d = &r->rdma[i];
		size_t m = path_mkey(c, mem[i]->key);
		int g;
		d->device = arena_strdup(c->a, mem[i]->key);
		TRY(as_object(c, mem[i]->value));
		TRY(g = get_u32(c, mem[i]->value, "hcaHandles", &d->hca_handles));
		d->has_hca_handles = g > 0;
		TRY(g = get_u32(c, mem[i]->value, "hcaObjects", &d->hca_objects));
		d->has_hca_objects = g > 0;
		path_pop(c, m);
	}
	return 0;
}

static bool unified_key_ok(const char *k)
{
	return k[0] && !strchr(k, '/') && strcmp(k, ".") != 0 && strcmp(k, "..") != 0;
}

/* An optional object member parsed by fn at path "key". */
static int sub(struct cctx *c, const struct json_value *o, const char *key, struct oci_resources *r,
               int (*fn)(struct cctx *, const struct json_value *, struct oci_resources *))
{
	const struct json_value *v;
	int g = get_object(c, o, key, &v);
	if (g <= 0)
		return g;
	size_t m = path_key(c, key);
	TRY(fn(c, v, r));
	path_pop(c, m);
	return 0;
}

static int cfg_pids(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	return get_opt_i64(c, o, "limit", &r->pids.limit);
}

int cfg_resources(struct cctx *c, const struct json_value *o, struct oci_resources *r)
{
	r->present = true;
	TRY(get_obj_array(c, o, "devices", sizeof *r->devices, (void **)&r->devices, &r->n_devices, cfg_dev_rule));
	TRY(sub(c, o, "memory", r, cfg_memory));
	TRY(sub(c, o, "cpu", r, cfg_cpu));
	TRY(sub(c, o, "pids", r, cfg_pids));
	TRY(sub(c, o, "blockIO", r, cfg_blkio));
	TRY(get_obj_array(c, o, "hugepageLimits", sizeof(hugepage_t), (void **)&r->hugepage_limits,
	                  &r->n_hugepage_limits, cfg_hugepage));
	TRY(sub(c, o, "network", r, cfg_network));
	TRY(sub(c, o, "rdma", r, cfg_rdma));
	return get_string_map(c, o, "unified", &r->unified, &r->n_unified, unified_key_ok, "invalid file name");
}
