/* config_mounts.c: the mounts array of config.json, with each mount's
 * options split into MS_* flags, propagation, recursive MOUNT_ATTR_*
 * attributes and the remaining fs-specific data; plus ID mappings. */
#include "config_int.h"

#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif
#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY      0x00000001
#define MOUNT_ATTR_NOSUID      0x00000002
#define MOUNT_ATTR_NODEV       0x00000004
#define MOUNT_ATTR_NOEXEC      0x00000008
#define MOUNT_ATTR__ATIME      0x00000070
#define MOUNT_ATTR_RELATIME    0x00000000
#define MOUNT_ATTR_NOATIME     0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME  0x00000080
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

enum opt_kind { O_SET, O_CLR, O_BIND, O_PROP, O_ASET, O_ACLR, O_ATIME, O_TMPCOPYUP, O_IDMAP, O_RIDMAP, O_NOP };

static const struct mount_opt {
	const char *name;
	enum opt_kind kind;
	unsigned long val;
} mount_opts[] = {
    {"defaults", O_NOP, 0},
    {"ro", O_SET, MS_RDONLY},
    {"rw", O_CLR, MS_RDONLY},
    {"nosuid", O_SET, MS_NOSUID},
    {"suid", O_CLR, MS_NOSUID},
    {"nodev", O_SET, MS_NODEV},
    {"dev", O_CLR, MS_NODEV},
    {"noexec", O_SET, MS_NOEXEC},
    {"exec", O_CLR, MS_NOEXEC},
    {"sync", O_SET, MS_SYNCHRONOUS},
    {"async", O_CLR, MS_SYNCHRONOUS},
    {"dirsync", O_SET, MS_DIRSYNC},
    {"remount", O_SET, MS_REMOUNT},
    {"mand", O_SET, MS_MANDLOCK},
    {"nomand", O_CLR, MS_MANDLOCK},
    {"noatime", O_SET, MS_NOATIME},
    {"atime", O_CLR, MS_NOATIME},
    {"nodiratime", O_SET, MS_NODIRATIME},
    {"diratime", O_CLR, MS_NODIRATIME},
    {"relatime", O_SET, MS_RELATIME},
    {"norelatime", O_CLR, MS_RELATIME},
    {"strictatime", O_SET, MS_STRICTATIME},
    {"nostrictatime", O_CLR, MS_STRICTATIME},
    {"lazytime", O_SET, MS_LAZYTIME},
    {"nolazytime", O_CLR, MS_LAZYTIME},
    {"nosymfollow", O_SET, MS_NOSYMFOLLOW},
    {"symfollow", O_CLR, MS_NOSYMFOLLOW},
    {"bind", O_BIND, MS_BIND},
    {"rbind", O_BIND, MS_BIND | MS_REC},
    {"private", O_PROP, MS_PRIVATE},
    {"rprivate", O_PROP, MS_PRIVATE | MS_REC},
    {"shared", O_PROP, MS_SHARED},
    {"rshared", O_PROP, MS_SHARED | MS_REC},
    {"slave", O_PROP, MS_SLAVE},
    {"rslave", O_PROP, MS_SLAVE | MS_REC},
    {"unbindable", O_PROP, MS_UNBINDABLE},
    {"runbindable", O_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", O_ASET, MOUNT_ATTR_RDONLY},
    {"rrw", O_ACLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", O_ASET, MOUNT_ATTR_NOSUID},
    {"rsuid", O_ACLR, MOUNT_ATTR_NOSUID},
    {"rnodev", O_ASET, MOUNT_ATTR_NODEV},
    {"rdev", O_ACLR, MOUNT_ATTR_NODEV},
    {"rnoexec", O_ASET, MOUNT_ATTR_NOEXEC},
    {"rexec", O_ACLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", O_ASET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", O_ACLR, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", O_ASET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", O_ACLR, MOUNT_ATTR_NOSYMFOLLOW},
    /* atime modes are one 3-bit field: each option replaces it. */
    {"rrelatime", O_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", O_ATIME, MOUNT_ATTR_RELATIME},
    {"rnoatime", O_ATIME, MOUNT_ATTR_NOATIME},
    {"ratime", O_ATIME, MOUNT_ATTR_RELATIME},
    {"rstrictatime", O_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", O_ATIME, MOUNT_ATTR_RELATIME},
    {"tmpcopyup", O_TMPCOPYUP, 0},
    {"idmap", O_IDMAP, 0},
    {"ridmap", O_RIDMAP, 0},
};

static const struct mount_opt *mount_opt_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_opts); i++)
		if (strcmp(mount_opts[i].name, name) == 0)
			return &mount_opts[i];
	return NULL;
}

static void mount_opt_apply(struct oci_mount *mt, const struct mount_opt *op)
{
	switch (op->kind) {
	case O_SET:
		mt->flags |= op->val;
		mt->clear_flags &= ~op->val;
		break;
	case O_CLR:
		mt->clear_flags |= op->val;
		mt->flags &= ~op->val;
		break;
	case O_BIND:
		mt->flags |= op->val;
		mt->bind = true;
		break;
	case O_PROP:
		mt->propagation = op->val;
		break;
	case O_ASET:
		mt->attr_set |= op->val;
		mt->attr_clr &= ~op->val;
		break;
	case O_ACLR:
		mt->attr_clr |= op->val;
		mt->attr_set &= ~op->val;
		break;
	case O_ATIME:
		mt->attr_clr |= MOUNT_ATTR__ATIME;
		mt->attr_set = (mt->attr_set & ~(unsigned long)MOUNT_ATTR__ATIME) | op->val;
		break;
	case O_TMPCOPYUP:
		mt->tmpcopyup = true;
		break;
	case O_IDMAP:
		mt->idmap = true;
		break;
	case O_RIDMAP:
		mt->ridmap = true;
		break;
	case O_NOP:
		break;
	}
}

/* Known options become flags; the rest is fs data, comma-joined. */
static int mount_options(struct cctx *c, struct oci_mount *mt)
{
	size_t m = path_key(c, "options"), total = 0, used = 0;
	for (size_t i = 0; i < mt->n_options; i++)
		total += strlen(mt->options[i]) + 1;
	char *data = arena_alloc(c->a, total + 1);
	for (size_t i = 0; i < mt->n_options; i++) {
		const char *s = mt->options[i];
		const struct mount_opt *op = mount_opt_find(s);
		if (!s[0]) {
			path_idx(c, i);
			return cerr(c, "must not be empty");
		}
		if (op) {
			mount_opt_apply(mt, op);
			continue;
		}
		if (used)
			data[used++] = ',';
		memcpy(data + used, s, strlen(s));
		used += strlen(s);
	}
	mt->data = used ? data : NULL;
	path_pop(c, m);
	return 0;
}

static int cfg_idmap(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_idmap *im = (struct oci_idmap *)base + i;
	TRY(need_u32(c, o, "containerID", &im->container_id));
	TRY(need_u32(c, o, "hostID", &im->host_id));
	TRY(need_u32(c, o, "size", &im->size));
	if (im->size == 0)
		return cerr_at(c, "size", "must be 1..4294967295");
	return 0;
}

int cfg_idmaps(struct cctx *c, const struct json_value *o, const char *key, struct oci_idmap **out, size_t *n)
{
	return get_obj_array(c, o, key, sizeof **out, (void **)out, n, cfg_idmap);
}

static int cfg_mount(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_mount *mt = (struct oci_mount *)base + i;
	TRY(need_abs_path(c, o, "destination", &mt->destination));
	TRY(get_string(c, o, "type", &mt->type));
	TRY(get_string(c, o, "source", &mt->source));
	TRY(get_string_array(c, o, "options", &mt->options, &mt->n_options, NULL));
	TRY(mount_options(c, mt));
	if (mt->type && strcmp(mt->type, "bind") == 0) {
		mt->bind = true;
		mt->flags |= MS_BIND;
	}
	TRY(cfg_idmaps(c, o, "uidMappings", &mt->uid_mappings, &mt->n_uid_mappings));
	TRY(cfg_idmaps(c, o, "gidMappings", &mt->gid_mappings, &mt->n_gid_mappings));
	if (!mt->n_uid_mappings != !mt->n_gid_mappings)
		return cerr_at(c, mt->n_uid_mappings ? "gidMappings" : "uidMappings",
		               "an idmapped mount needs uid and gid mappings");
	if (mt->n_uid_mappings && !mt->ridmap)
		mt->idmap = true;
	return 0;
}

int cfg_mounts(struct cctx *c, const struct json_value *root, struct oci_config *cfg)
{
	return get_obj_array(c, root, "mounts", sizeof *cfg->mounts, (void **)&cfg->mounts, &cfg->n_mounts, cfg_mount);
}
