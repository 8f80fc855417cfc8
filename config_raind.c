/* config_raind.c: hooks and annotations of config.json, including the two
 * Raind annotations whose values are JSON documents encoded as strings:
 * io.raind.net.config (cfg->net) and io.raind.image.config (cfg->image). */
#include "config_int.h"

#include <arpa/inet.h>
#include <ctype.h>

#define IFNAME_MAX 15

/* ---- hooks ---- */

static int check_timeout(struct cctx *c, struct oci_hook *h, const struct json_value *o)
{
	int r = get_int(c, o, "timeout", 1, INT32_MAX, &h->timeout);
	TRY(r);
	h->has_timeout = r > 0;
	return 0;
}

static int cfg_hook(struct cctx *c, const struct json_value *o, void *base, size_t i)
{
	struct oci_hook *h = (struct oci_hook *)base + i;
	TRY(need_abs_path(c, o, "path", &h->path));
	TRY(get_string_array(c, o, "args", &h->args, &h->n_args, NULL));
	TRY(get_string_array(c, o, "env", &h->env, &h->n_env, check_env));
	return check_timeout(c, h, o);
}

int cfg_hooks(struct cctx *c, const struct json_value *o, struct oci_hooks *h)
{
	for (int p = 0; p < HOOK_PHASE_COUNT; p++)
		TRY(get_obj_array(c, o, hook_phase_name(p), sizeof(struct oci_hook), (void **)&h->hooks[p], &h->n[p],
		                  cfg_hook));
	return 0;
}

/* ---- value checks ---- */

static int check_ifname(struct cctx *c, const char *s)
{
	if (!s[0] || strlen(s) > IFNAME_MAX)
		return cerr(c, "must be 1..%d characters, not \"%s\"", IFNAME_MAX, s);
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return cerr(c, "invalid interface name \"%s\"", s);
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return cerr(c, "invalid interface name \"%s\"", s);
	return 0;
}

static int check_ipv4(struct cctx *c, const char *s)
{
	struct in_addr a;
	return inet_pton(AF_INET, s, &a) == 1 ? 0 : cerr(c, "invalid IPv4 address \"%s\"", s);
}

static int check_ip(struct cctx *c, const char *s)
{
	unsigned char a[16];
	if (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1)
		return 0;
	return cerr(c, "invalid IP address \"%s\"", s);
}

/* "a.b.c.d/0..32" */
static int check_cidr(struct cctx *c, const char *s)
{
	const char *slash = strchr(s, '/');
	char ip[INET_ADDRSTRLEN];
	struct in_addr a;
	const char *p = slash ? slash + 1 : NULL;
	bool ok = slash && (size_t)(slash - s) < sizeof ip && p[0] && strlen(p) <= 2;
	for (const char *q = p; ok && *q; q++)
		ok = *q >= '0' && *q <= '9';
	if (ok) {
		memcpy(ip, s, (size_t)(slash - s));
		ip[slash - s] = 0;
		ok = inet_pton(AF_INET, ip, &a) == 1 && atoi(p) <= 32 && !(p[0] == '0' && p[1]);
	}
	return ok ? 0 : cerr(c, "invalid IPv4 CIDR address \"%s\" (expected a.b.c.d/0..32)", s);
}

/* Overlay options are comma-separated and lowerdir is colon-separated. */
static int check_layer(struct cctx *c, const char *s)
{
	TRY(check_abs_path(c, s));
	return strpbrk(s, ":,") ? cerr(c, "must not contain ':' or ',': \"%s\"", s) : 0;
}

static int check_overlay_dir(struct cctx *c, const char *s)
{
	TRY(check_abs_path(c, s));
	return strchr(s, ',') ? cerr(c, "must not contain ',': \"%s\"", s) : 0;
}

/* ---- io.raind.net.config ---- */

static int need_checked(struct cctx *c, const struct json_value *o, const char *key, str_check_fn check, char **out)
{
	int r = get_string_checked(c, o, key, check, out);
	TRY(r);
	return r ? 0 : cerr_at(c, key, "required");
}

static int net_ipv4(struct cctx *c, const struct json_value *ifc, struct raind_net *n)
{
	const struct json_value *o;
	int r = get_object(c, ifc, "ipv4", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "ipv4");
	TRY(get_string_checked(c, o, "address", check_cidr, &n->address));
	TRY(get_string_checked(c, o, "gateway", check_ipv4, &n->gateway));
	path_pop(c, m);
	return 0;
}

static int net_dns(struct cctx *c, const struct json_value *ifc, struct raind_net *n)
{
	const struct json_value *o;
	int r = get_object(c, ifc, "dns", &o);
	if (r <= 0)
		return r;
	size_t m = path_key(c, "dns");
	TRY(get_string_array(c, o, "servers", &n->dns, &n->n_dns, check_ip));
	path_pop(c, m);
	return 0;
}

static int raind_net(struct cctx *c, const struct json_value *o, struct oci_config *cfg)
{
	struct raind_net *n = &cfg->net;
	const struct json_value *ifc;
	n->present = true;
	TRY(get_string_checked(c, o, "hostInterface", check_ifname, &n->host_interface));
	if (!n->host_interface)
		n->host_interface = arena_strdup(c->a, "eth0");
	TRY(get_string_checked(c, o, "bridgeInterface", check_ifname, &n->bridge_interface));
	if (!n->bridge_interface)
		n->bridge_interface = arena_strdup(c->a, "raind0");
	int r = get_object(c, o, "interface", &ifc);
	TRY(r);
	if (!r)
		return cerr_at(c, "interface", "required");
	size_t m = path_key(c, "interface");
	TRY(need_checked(c, ifc, "name", check_ifname, &n->if_name));
	TRY(net_ipv4(c, ifc, n));
	TRY(net_dns(c, ifc, n));
	path_pop(c, m);
	return 0;
}

/* ---- io.raind.image.config ---- */

static int raind_image(struct cctx *c, const struct json_value *o, struct oci_config *cfg)
{
	struct raind_image *im = &cfg->image;
	const struct json_value *layers = field(o, "imageLayer");
	im->present = true;
	TRY(need_string(c, o, "rootfsType", &im->rootfs_type));
	if (strcmp(im->rootfs_type, "overlay") != 0)
		return cerr_at(c, "rootfsType", "unsupported rootfs type \"%s\" (only \"overlay\")", im->rootfs_type);
	if (!layers || layers->type != JSON_ARRAY || layers->arr.n == 0)
		return cerr_at(c, "imageLayer", "must be a non-empty array of absolute paths");
	TRY(get_string_array(c, o, "imageLayer", &im->layers, &im->n_layers, check_layer));
	TRY(get_string_checked(c, o, "upperDir", check_overlay_dir, &im->upper_dir));
	TRY(get_string_checked(c, o, "workDir", check_overlay_dir, &im->work_dir));
	if (!im->upper_dir != !im->work_dir)
		return cerr_at(c, im->upper_dir ? "workDir" : "upperDir", "required together with %s",
		               im->upper_dir ? "upperDir" : "workDir");
	return 0;
}

/* ---- annotations ---- */

typedef int (*embedded_fn)(struct cctx *c, const struct json_value *o, struct oci_config *cfg);

/* An annotation whose value is a JSON document encoded as a string. */
static int embedded(struct cctx *c, struct oci_config *cfg, const char *key, embedded_fn fn)
{
	const char *s = config_annotation(cfg, key);
	if (!s)
		return 0;
	size_t m = path_key(c, "annotations");
	path_mkey(c, key);
	const struct json_value *v = json_parse(c->a, s, strlen(s), c->e);
	if (!v)
		return derr_wrap(c->e, "%s: %s", c->name, c->path);
	TRY(as_object(c, v));
	TRY(fn(c, v, cfg));
	path_pop(c, m);
	return 0;
}

int cfg_annotations(struct cctx *c, const struct json_value *root, struct oci_config *cfg)
{
	TRY(get_string_map(c, root, "annotations", &cfg->annotations, &cfg->n_annotations, NULL, NULL));
	TRY(embedded(c, cfg, "io.raind.net.config", raind_net));
	return embedded(c, cfg, "io.raind.image.config", raind_image);
}
