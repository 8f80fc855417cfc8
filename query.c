/* query.c: list, ps, pause/resume, update and events. */
#include "container.h"

#include "cgroup.h"
#include "json.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>

static void print_ps_line(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : 0;
	if (n < 0)
		n = 0;
	buf[n] = 0;
	for (ssize_t i = 0; i + 1 < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	printf("%-8d %s\n", pid, buf);
}

int container_ps(const char *root, const char *id, const char *format, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	struct cg cg;
	pid_t *pids = NULL;
	size_t n = 0;
	bool json = format && strcmp(format, "json") == 0;
	if (format && !json && strcmp(format, "table") != 0)
		return derr_set(e, 0, "ps: --format \"%s\": want table or json", format);
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	close(lock);
	int r = -1;
	if (s.status == CS_STOPPED)
		derr_set(e, 0, "container \"%s\" is not running", id);
	else if (container_cg_open(&s, &cg, e) == 0) {
		r = cg_pids(&cg, &pids, &n, e);
		cg_close(&cg);
	} else if (s.pid > 0) { /* no cgroup on this host: the init alone */
		pids = xmalloc(sizeof *pids);
		pids[0] = s.pid;
		n = 1, r = 0;
	}
	if (r == 0 && json) {
		struct json_writer w;
		jw_init(&w, 0);
		jw_arr_begin(&w);
		for (size_t i = 0; i < n; i++)
			jw_int(&w, pids[i]);
		jw_arr_end(&w);
		cleanup_free char *t = jw_take(&w, NULL);
		printf("%s\n", t);
	} else if (r == 0) {
		printf("%-8s %s\n", "PID", "CMD");
		for (size_t i = 0; i < n; i++)
			print_ps_line(pids[i]);
	}
	free(pids);
	state_free(&s);
	return r;
}

int container_pause(const char *root, const char *id, bool pause, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	struct cg cg;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
		return -1;
	int r = -1;
	if (pause && s.status != CS_RUNNING && s.status != CS_CREATED)
		derr_set(e, 0, "container \"%s\" is %s, not running", id, state_status_name(s.status));
	else if (!pause && s.status != CS_PAUSED)
		derr_set(e, 0, "container \"%s\" is %s, not paused", id, state_status_name(s.status));
	else if (container_cg_open(&s, &cg, e) == 0) {
		r = cg_freeze(&cg, pause, e);
		cg_close(&cg);
	}
	state_free(&s);
	close(lock);
	return r;
}

static void list_json_entry(struct json_writer *w, const struct cstate *s)
{
	jw_obj_begin(w);
	jw_key(w, "ociVersion"), jw_str(w, OCI_VERSION);
	jw_key(w, "id"), jw_str(w, s->id);
	jw_key(w, "pid"), jw_int(w, s->status == CS_STOPPED ? 0 : s->pid);
	jw_key(w, "status"), jw_str(w, state_status_name(s->status));
	jw_key(w, "bundle"), jw_str(w, s->bundle);
	jw_key(w, "rootfs"), jw_str(w, s->rootfs);
	jw_key(w, "created"), jw_str(w, s->created);
	jw_key(w, "owner"), jw_str(w, "root");
	jw_obj_end(w);
}

int container_list(const char *root, const char *format, bool quiet, struct derr *e)
{
	bool json = format && strcmp(format, "json") == 0;
	if (format && !json && strcmp(format, "table") != 0)
		return derr_set(e, 0, "list: --format \"%s\": want table or json", format);
	cleanup_dir DIR *d = opendir(root);
	struct json_writer w;
	jw_init(&w, 0);
	jw_arr_begin(&w);
	if (!json && !quiet)
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char dir[PATH_MAX];
		struct cstate s;
		struct derr ignore;
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof dir, "%s/%s", root, de->d_name);
		if (state_load(dir, de->d_name, &s, &ignore) < 0)
			continue;
		if (json)
			list_json_entry(&w, &s);
		else if (quiet)
			printf("%s\n", s.id);
		else
			printf("%-20s %-8d %-10s %-40s %s\n", s.id, s.status == CS_STOPPED ? 0 : s.pid,
			       state_status_name(s.status), s.bundle ? s.bundle : "", s.created ? s.created : "");
		state_free(&s);
	}
	jw_arr_end(&w);
	cleanup_free char *t = jw_take(&w, NULL);
	if (json)
		printf("%s\n", t);
	return 0;
}

/* update: runc's flags, or -r FILE with a linux.resources object; both go
 * through the config loader so validation and messages are the same. */
static char *update_json(int argc, char **argv, struct derr *e)
{
	static const struct option opts[] = {
	    {"resources", required_argument, 0, 'r'},
	    {"memory", required_argument, 0, 'm'},
	    {"memory-reservation", required_argument, 0, 'R'},
	    {"memory-swap", required_argument, 0, 's'},
	    {"cpu-quota", required_argument, 0, 'q'},
	    {"cpu-period", required_argument, 0, 'p'},
	    {"cpu-shares", required_argument, 0, 'c'},
	    {"cpuset-cpus", required_argument, 0, 'C'},
	    {"cpuset-mems", required_argument, 0, 'M'},
	    {"pids-limit", required_argument, 0, 'P'},
	    {0, 0, 0, 0},
	};
	static const struct {
		int opt;
		const char *fmt;
	} fields[] = {
	    {'m', "\"memory\":{\"limit\":%s}"}, {'R', "\"memory\":{\"reservation\":%s}"},
	    {'s', "\"memory\":{\"swap\":%s}"},  {'q', "\"cpu\":{\"quota\":%s}"},
	    {'p', "\"cpu\":{\"period\":%s}"},   {'c', "\"cpu\":{\"shares\":%s}"},
	    {'C', "\"cpu\":{\"cpus\":\"%s\"}"}, {'M', "\"cpu\":{\"mems\":\"%s\"}"},
	    {'P', "\"pids\":{\"limit\":%s}"},
	};
	char *body = xstrdup("");
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:", opts, NULL)) != -1) {
		if (c == 'r') {
			free(body);
			if (read_file(optarg, 1 << 20, &body, NULL, e) < 0)
				return NULL;
			return body;
		}
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			if (fields[i].opt != c)
				continue;
			char *part = xasprintf(fields[i].fmt, optarg);
			char *nb = xasprintf("%s%s%s", body, *body ? "," : "", part);
			free(part), free(body);
			body = nb;
		}
		if (c == '?') {
			free(body);
			derr_set(e, 0, "update: unknown option");
			return NULL;
		}
	}
	char *r = xasprintf("{%s}", body);
	free(body);
	return r;
}

int container_update(const char *root, const char *id, int argc, char **argv, struct derr *e)
{
	char dir[PATH_MAX];
	int lock;
	struct cstate s;
	struct cg cg;
	struct oci_config cfg = {0};
	cleanup_free char *res = update_json(argc, argv, e);
	if (!res)
		return -1;
	cleanup_free char *doc =
	    xasprintf("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"/\"},\"linux\":{\"resources\":%s}}", res);
	if (config_parse("resources", doc, strlen(doc), &cfg, e) < 0)
		return -1;
	int r = -1;
	if (container_open(root, id, dir, sizeof dir, &lock, &s, e) == 0) {
		if (container_cg_open(&s, &cg, e) == 0) {
			r = cg_apply(&cg, &cfg.linux.resources, true, e);
			cg_close(&cg);
		}
		state_free(&s);
		close(lock);
	}
	config_free(&cfg);
	return r;
}

int container_events(const char *root, const char *id, bool stats, int interval, struct derr *e)
{
	for (;;) {
		char dir[PATH_MAX];
		int lock;
		struct cstate s;
		struct cg cg;
		if (container_open(root, id, dir, sizeof dir, &lock, &s, e) < 0)
			return -1;
		close(lock);
		bool stopped = s.status == CS_STOPPED;
		if (!stopped) {
			struct json_writer w;
			jw_init(&w, 0);
			jw_obj_begin(&w);
			jw_key(&w, "type"), jw_str(&w, "stats");
			jw_key(&w, "id"), jw_str(&w, id);
			jw_key(&w, "data");
			if (container_cg_open(&s, &cg, e) == 0) {
				cg_stats_json(&cg, &w);
				cg_close(&cg);
			} else {
				jw_obj_begin(&w), jw_obj_end(&w);
			}
			jw_obj_end(&w);
			cleanup_free char *t = jw_take(&w, NULL);
			printf("%s\n", t);
			fflush(stdout);
		}
		state_free(&s);
		if (stats || stopped)
			return 0;
		sleep((unsigned)(interval > 0 ? interval : 5));
	}
}
