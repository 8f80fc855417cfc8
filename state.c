/* state.c: state.json written atomically (temp file + rename), read back,
 * and the status recomputed from the process (pid + start time). */
#include "state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static const char *const status_names[] = {"creating", "created", "running", "paused", "stopped"};

const char *state_status_name(enum cstatus s)
{
	return status_names[s];
}

int state_check_id(const char *id, struct derr *e)
{
	size_t n = strlen(id);
	if (n == 0)
		return derr_set(e, 0, "container id: must not be empty");
	if (n > 1024)
		return derr_set(e, 0, "container id \"%.32s...\": longer than 1024 characters", id);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return derr_set(e, 0, "container id \"%s\": must match [A-Za-z0-9][A-Za-z0-9_.-]*", id);
	}
	return 0;
}

const char *state_root(const char *opt_root)
{
	const char *env = getenv("RAIND_ROOT_DIR");
	if (opt_root && *opt_root)
		return opt_root;
	return env && *env ? env : "/etc/raind/container";
}

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	cleanup_fd int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* comm may contain spaces and ')' */
	if (!p || p[1] != ' ')
		return 0;
	p += 2;
	if (*p == 'Z' || *p == 'X')
		return 0;
	/* p is at field 3 (state); start time is field 22 */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
	return strtoull(p, NULL, 10);
}

static void render_fields(struct json_writer *w, const struct cstate *s, bool priv)
{
	jw_key(w, "ociVersion"), jw_str(w, OCI_VERSION);
	jw_key(w, "id"), jw_str(w, s->id);
	jw_key(w, "status"), jw_str(w, state_status_name(s->status));
	jw_key(w, "pid"), jw_int(w, s->status == CS_STOPPED ? 0 : s->pid);
	jw_key(w, "bundle"), jw_str(w, s->bundle);
	jw_key(w, "rootfs"), jw_str(w, s->rootfs);
	jw_key(w, "shimPid"), jw_int(w, s->shim_pid);
	jw_key(w, "created"), jw_str(w, s->created);
	jw_key(w, "annotations"), jw_obj_begin(w);
	for (size_t i = 0; i < s->n_annotations; i++)
		jw_key(w, s->annotations[i].key), jw_str(w, s->annotations[i].value);
	jw_obj_end(w);
	if (s->has_exit) {
		jw_key(w, "exit_code"), jw_int(w, s->exit_code);
		jw_key(w, "reason"), jw_str(w, s->reason ? s->reason : "Exited");
		jw_key(w, "message"), jw_str(w, s->message ? s->message : "");
	}
	if (priv) {
		jw_key(w, "startTime"), jw_uint(w, s->start_time);
		jw_key(w, "initPid"), jw_int(w, s->pid);
		if (s->cgroup)
			jw_key(w, "cgroup"), jw_str(w, s->cgroup);
		if (s->cgroup_rel)
			jw_key(w, "cgroupRel"), jw_str(w, s->cgroup_rel);
		jw_key(w, "raind"), jw_bool(w, s->raind);
	}
}

char *state_render(const struct cstate *s, bool private_fields, int indent)
{
	struct json_writer w;
	jw_init(&w, indent);
	jw_obj_begin(&w);
	render_fields(&w, s, private_fields);
	jw_obj_end(&w);
	return jw_take(&w, NULL);
}

int state_save(const char *dir, const struct cstate *s, struct derr *e)
{
	cleanup_free char *text = state_render(s, true, 0);
	cleanup_free char *path = xasprintf("%s/state.json", dir);
	return write_file_atomic(path, text, strlen(text), e);
}

static char *dup_str(struct arena *a, const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);
	return v && v->type == JSON_STRING ? arena_strdup(a, v->str.s) : NULL;
}

static int64_t get_int(const struct json_value *o, const char *key)
{
	const struct json_value *v = json_get(o, key);
	if (!v || v->type != JSON_NUMBER)
		return 0;
	return v->num.kind == JSON_UINT ? (int64_t)v->num.u : v->num.i;
}

static int parse_state(struct cstate *s, const struct json_value *o, struct derr *e)
{
	struct arena *a = &s->arena;
	const struct json_value *v;
	s->id = dup_str(a, o, "id");
	s->bundle = dup_str(a, o, "bundle");
	s->rootfs = dup_str(a, o, "rootfs");
	s->created = dup_str(a, o, "created");
	s->cgroup = dup_str(a, o, "cgroup");
	s->cgroup_rel = dup_str(a, o, "cgroupRel");
	s->pid = (pid_t)get_int(o, "initPid");
	s->shim_pid = (pid_t)get_int(o, "shimPid");
	v = json_get(o, "startTime");
	s->start_time = v && v->type == JSON_NUMBER ? (v->num.kind == JSON_UINT ? v->num.u : (uint64_t)v->num.i) : 0;
	v = json_get(o, "raind");
	s->raind = v && v->type == JSON_BOOL && v->b;
	s->status = CS_STOPPED;
	v = json_get(o, "status");
	for (size_t i = 0; v && v->type == JSON_STRING && i < ARRAY_SIZE(status_names); i++)
		if (strcmp(v->str.s, status_names[i]) == 0)
			s->status = (enum cstatus)i;
	if ((v = json_get(o, "exit_code"))) {
		s->has_exit = true;
		s->exit_code = (int)get_int(o, "exit_code");
		s->reason = dup_str(a, o, "reason");
		s->message = dup_str(a, o, "message");
	}
	v = json_get(o, "annotations");
	if (v && v->type == JSON_OBJECT) {
		s->annotations = arena_alloc(a, sizeof *s->annotations * (v->obj.n + 1));
		for (size_t i = 0; i < v->obj.n; i++) {
			const struct json_value *val = v->obj.members[i].value;
			if (val->type != JSON_STRING)
				continue;
			s->annotations[s->n_annotations].key = arena_strdup(a, v->obj.members[i].key);
			s->annotations[s->n_annotations++].value = arena_strdup(a, val->str.s);
		}
	}
	if (!s->id)
		return derr_set(e, 0, "state.json: id missing");
	return 0;
}

int state_load(const char *dir, const char *id, struct cstate *s, struct derr *e)
{
	cleanup_free char *path = xasprintf("%s/state.json", dir);
	cleanup_free char *text = NULL;
	size_t len;
	memset(s, 0, sizeof *s);
	if (read_file(path, 1 << 20, &text, &len, e) < 0) {
		if (e->errnum == ENOENT)
			return derr_set(e, 0, "container \"%s\" does not exist", id);
		return -1;
	}
	struct json_value *o = json_parse(&s->arena, text, len, e);
	if (!o || o->type != JSON_OBJECT || parse_state(s, o, e) < 0) {
		if (o && o->type != JSON_OBJECT)
			derr_set(e, 0, "not an object");
		derr_wrap(e, "%s", path);
		state_free(s);
		return -1;
	}
	state_refresh(s, dir);
	return 0;
}

static int cgroup_frozen(const char *cg)
{
	char buf[8] = {0};
	cleanup_free char *p = xasprintf("%s/cgroup.freeze", cg);
	cleanup_fd int fd = open(p, O_RDONLY | O_CLOEXEC);
	return fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 && buf[0] == '1';
}

void state_refresh(struct cstate *s, const char *dir)
{
	if (s->status == CS_STOPPED)
		return;
	if (s->pid <= 0 || proc_start_time(s->pid) != s->start_time) {
		s->status = CS_STOPPED;
		return;
	}
	if (s->status == CS_CREATING)
		return;
	cleanup_free char *fifo = xasprintf("%s/exec.fifo", dir);
	if (access(fifo, F_OK) == 0)
		s->status = CS_CREATED;
	else if (s->cgroup && cgroup_frozen(s->cgroup))
		s->status = CS_PAUSED;
	else
		s->status = CS_RUNNING;
}

void state_free(struct cstate *s)
{
	arena_free(&s->arena);
	memset(s, 0, sizeof *s);
}

int state_lock(const char *dir, struct derr *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return derr_sys(e, "open \"%s\"", dir);
	if (flock(fd, LOCK_EX) < 0) {
		derr_sys(e, "lock \"%s\"", dir);
		close(fd);
		return -1;
	}
	return fd;
}

void state_set_exit(struct cstate *s, int wstatus)
{
	s->has_exit = true;
	s->status = CS_STOPPED;
	if (WIFSIGNALED(wstatus)) {
		int sig = WTERMSIG(wstatus);
		s->exit_code = 128 + sig;
		s->reason = arena_strdup(&s->arena, "Signaled");
		s->message = arena_strdup(&s->arena, strsignal(sig));
	} else {
		s->exit_code = WEXITSTATUS(wstatus);
		s->reason = arena_strdup(&s->arena, "Exited");
		s->message = arena_strdup(&s->arena, "");
	}
}
