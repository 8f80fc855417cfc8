/* test_config.c: config.json loading: a table of bad configs with their exact
 * messages, and good configs checked field by field. JSON in this file uses
 * ' for " and ` for \" (inside the Raind annotations) to stay readable. */
#include "unit.h"

#include "caps.h"
#include "config.h"
#include "seccomp_bpf.h"

#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* ' -> ", ` -> \" */
static char *q(const char *s)
{
	char *r = xmalloc(strlen(s) * 2 + 1), *o = r;
	for (; *s; s++) {
		if (*s == '\'') {
			*o++ = '"';
		} else if (*s == '`') {
			*o++ = '\\';
			*o++ = '"';
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	return r;
}

static int parse(const char *text, struct oci_config *cfg, struct derr *e)
{
	char *t = q(text);
	int r = config_parse("config.json", t, strlen(t), cfg, e);
	free(t);
	return r;
}

/* A valid minimal config; a later duplicate key overrides (last one wins). */
#define BASE       "'ociVersion':'1.2.0','root':{'path':'rootfs'},'process':{'args':['sh'],'cwd':'/'}"
#define TOP(x)     "{" BASE x "}"
#define PROC(x)    TOP(",'process':{'args':['sh'],'cwd':'/'" x "}")
#define NS         "'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'network'},{'type':'uts'}]"
#define LINUX(x)   TOP(",'linux':{" NS x "}")
#define RES(x)     LINUX(",'resources':{" x "}")
#define SECCOMP(x) LINUX(",'seccomp':{'defaultAction':'SCMP_ACT_ERRNO'" x "}")
#define ANN(x)     TOP(",'annotations':{" x "}")
#define NET(x)     ANN("'io.raind.net.config':'{" x "}'")
#define IMG(x)     ANN("'io.raind.image.config':'{`rootfsType`:`overlay`,`imageLayer`:[`/l1`]" x "}'")

static const struct {
	const char *json, *want;
} bad[] = {
    {"[]", "config.json: must be an object, not an array"},
    {"{'root':{'path':'r'}}", "config.json: ociVersion: required"},
    {TOP(",'ociVersion':'2.0'"), "config.json: ociVersion: unsupported version \"2.0\""},
    {TOP(",'ociVersion':1"), "config.json: ociVersion: must be a string, not a number"},
    {"{'ociVersion':'1.0.2'}", "config.json: root: required"},
    {TOP(",'root':{}"), "config.json: root.path: required"},
    {TOP(",'root':{'path':'r','readonly':'yes'}"), "config.json: root.readonly: must be a boolean, not a string"},
    {TOP(",'hostname':['x']"), "config.json: hostname: must be a string, not an array"},
    {TOP(",'process':[]"), "config.json: process: must be an object, not an array"},
    {PROC(",'terminal':'x'"), "config.json: process.terminal: must be a boolean, not a string"},
    {TOP(",'process':{'cwd':'/'}"), "config.json: process.args: must be a non-empty array of strings"},
    {PROC(",'args':[]"), "config.json: process.args: must be a non-empty array of strings"},
    {PROC(",'args':'sh'"), "config.json: process.args: must be a non-empty array of strings"},
    {PROC(",'args':['sh',1]"), "config.json: process.args[1]: must be a string, not a number"},
    {TOP(",'process':{'args':['sh']}"), "config.json: process.cwd: required"},
    {PROC(",'cwd':'tmp'"), "config.json: process.cwd: must be an absolute path, not \"tmp\""},
    {PROC(",'env':['A=1','FOO']"), "config.json: process.env[1]: must be \"KEY=VALUE\", not \"FOO\""},
    {PROC(",'user':{'uid':-1}"), "config.json: process.user.uid: must be 0..4294967295"},
    {PROC(",'user':{'gid':4294967296}"), "config.json: process.user.gid: must be 0..4294967295"},
    {PROC(",'user':{'uid':1.5}"), "config.json: process.user.uid: must be an integer"},
    {PROC(",'user':{'uid':'0'}"), "config.json: process.user.uid: must be an integer, not a string"},
    {PROC(",'user':{'additionalGids':[1,true]}"),
     "config.json: process.user.additionalGids[1]: must be an integer, not a boolean"},
    {PROC(",'user':{'umask':512}"), "config.json: process.user.umask: must be 0..511"},
    {PROC(",'capabilities':{'bounding':['CAP_CHOWN','CAP_KILL','CAP_FOO']}"),
     "config.json: process.capabilities.bounding[2]: unknown capability \"CAP_FOO\""},
    {PROC(",'capabilities':{'ambient':'CAP_KILL'}"),
     "config.json: process.capabilities.ambient: must be an array, not a string"},
    {PROC(",'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]"),
     "config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
    {PROC(",'rlimits':[{'type':'RLIMIT_NOFILE','soft':1,'hard':1},{'type':'RLIMIT_NOFILE','soft':2,'hard':2}]"),
     "config.json: process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\""},
    {PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':10,'hard':5}]"),
     "config.json: process.rlimits[0]: soft limit 10 exceeds hard limit 5"},
    {PROC(",'rlimits':[{'type':'RLIMIT_CORE','soft':10}]"), "config.json: process.rlimits[0].hard: required"},
    {PROC(",'rlimits':['RLIMIT_CORE']"), "config.json: process.rlimits[0]: must be an object, not a string"},
    {PROC(",'oomScoreAdj':1001"), "config.json: process.oomScoreAdj: must be -1000..1000"},
    {PROC(",'ioPriority':{'class':'IOPRIO_CLASS_X'}"),
     "config.json: process.ioPriority.class: unknown class \"IOPRIO_CLASS_X\""},
    {PROC(",'ioPriority':{'class':'IOPRIO_CLASS_BE','priority':8}"),
     "config.json: process.ioPriority.priority: must be 0..7"},
    {PROC(",'scheduler':{'policy':'SCHED_FOO'}"),
     "config.json: process.scheduler.policy: unknown policy \"SCHED_FOO\""},
    {PROC(",'scheduler':{'policy':'SCHED_OTHER','nice':20}"), "config.json: process.scheduler.nice: must be -20..19"},
    {PROC(",'scheduler':{'policy':'SCHED_OTHER','flags':['SCHED_FLAG_X']}"),
     "config.json: process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\""},
    {PROC(",'scheduler':{'policy':'SCHED_OTHER','priority':5}"),
     "config.json: process.scheduler.priority: only valid with SCHED_FIFO or SCHED_RR"},
    {PROC(",'scheduler':{'policy':'SCHED_DEADLINE','runtime':20,'deadline':10}"),
     "config.json: process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= period (period 0: = deadline)"},
    {PROC(",'consoleSize':{'height':24}"), "config.json: process.consoleSize.width: required"},
    {PROC(",'apparmorProfile':7"), "config.json: process.apparmorProfile: must be a string, not a number"},
    {PROC(",'execCPUAffinity':{'initial':'0-'}"),
     "config.json: process.execCPUAffinity.initial: must be a list like \"0-3,7\", not \"0-\""},
    {TOP(",'mounts':{}"), "config.json: mounts: must be an array, not an object"},
    {TOP(",'mounts':['/proc']"), "config.json: mounts[0]: must be an object, not a string"},
    {TOP(",'mounts':[{'destination':'/proc'},{'destination':'proc'}]"),
     "config.json: mounts[1].destination: must be an absolute path, not \"proc\""},
    {TOP(",'mounts':[{'type':'tmpfs'}]"), "config.json: mounts[0].destination: required"},
    {TOP(",'mounts':[{'destination':'/x','options':['ro','']}]"),
     "config.json: mounts[0].options[1]: must not be empty"},
    {TOP(",'mounts':[{'destination':'/x','uidMappings':[{'containerID':0,'hostID':1000,'size':1}]}]"),
     "config.json: mounts[0].gidMappings: an idmapped mount needs uid and gid mappings"},
    {LINUX(",'namespaces':[{'type':'pid'},{'type':'foo'}]"),
     "config.json: linux.namespaces[1].type: unknown namespace \"foo\""},
    {LINUX(",'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'pid'}]"),
     "config.json: linux.namespaces[2].type: duplicate namespace \"pid\""},
    {LINUX(",'namespaces':[{'type':'network','path':'netns/x'}]"),
     "config.json: linux.namespaces[0].path: must be an absolute path, not \"netns/x\""},
    {LINUX(",'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
     "config.json: linux.uidMappings: requires a user namespace"},
    {LINUX(",'namespaces':[{'type':'user'}]"),
     "config.json: linux.uidMappings: a new user namespace needs uid and gid mappings"},
    {LINUX(",'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,'hostID':1000,'size':1}]"),
     "config.json: linux.gidMappings: a new user namespace needs uid and gid mappings"},
    {LINUX(",'namespaces':[{'type':'user'}],'uidMappings':[{'containerID':0,'hostID':1000,'size':0}]"),
     "config.json: linux.uidMappings[0].size: must be 1..4294967295"},
    {TOP(",'hostname':'box'"),
     "config.json: hostname: requires a UTS namespace (add {\"type\":\"uts\"} to linux.namespaces)"},
    {LINUX(",'timeOffsets':{'monotonic':{'secs':1}}"), "config.json: linux.timeOffsets: requires a time namespace"},
    {LINUX(",'devices':[{'type':'x','path':'/dev/x'}]"),
     "config.json: linux.devices[0].type: unknown device type \"x\""},
    {LINUX(",'devices':[{'type':'c','path':'/dev/x','minor':1}]"), "config.json: linux.devices[0].major: required"},
    {LINUX(",'devices':[{'type':'c','path':'dev/x','major':1,'minor':1}]"),
     "config.json: linux.devices[0].path: must be an absolute path, not \"dev/x\""},
    {RES("'devices':[{'allow':false,'access':'rwx'}]"),
     "config.json: linux.resources.devices[0].access: must be a combination of \"r\", \"w\" and \"m\", not \"rwx\""},
    {RES("'devices':[{'access':'rwm'}]"), "config.json: linux.resources.devices[0].allow: required"},
    {RES("'memory':{'swappiness':101}"), "config.json: linux.resources.memory.swappiness: must be 0..100"},
    {RES("'memory':{'limit':-2}"),
     "config.json: linux.resources.memory.limit: must be -1 (unlimited) or a number of bytes"},
    {RES("'memory':{'limit':'1G'}"), "config.json: linux.resources.memory.limit: must be an integer, not a string"},
    {RES("'cpu':{'shares':-1}"), "config.json: linux.resources.cpu.shares: must be 0..18446744073709551615"},
    {RES("'cpu':{'cpus':'0-3,a'}"),
     "config.json: linux.resources.cpu.cpus: must be a list like \"0-3,7\", not \"0-3,a\""},
    {RES("'pids':{'limit':9223372036854775808}"),
     "config.json: linux.resources.pids.limit: must be -9223372036854775808..9223372036854775807"},
    {RES("'blockIO':{'weight':5}"), "config.json: linux.resources.blockIO.weight: must be 10..1000"},
    {RES("'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}"),
     "config.json: linux.resources.blockIO.throttleReadBpsDevice[0].rate: required"},
    {RES("'hugepageLimits':[{'pageSize':'2M','limit':1}]"),
     "config.json: linux.resources.hugepageLimits[0].pageSize: must be a size like \"2MB\", not \"2M\""},
    {RES("'rdma':{'mlx5_1':{'hcaHandles':'3'}}"),
     "config.json: linux.resources.rdma[\"mlx5_1\"].hcaHandles: must be an integer, not a string"},
    {RES("'unified':{'a/b':'1'}"), "config.json: linux.resources.unified[\"a/b\"]: invalid file name"},
    {RES("'unified':{'memory.max':1}"),
     "config.json: linux.resources.unified[\"memory.max\"]: must be a string, not a number"},
    {LINUX(",'sysctl':{'net.ipv4.ip_forward':1}"),
     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: must be a string, not a number"},
    {TOP(",'linux':{'sysctl':{'net.ipv4.ip_forward':'1'}}"),
     "config.json: linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace"},
    {LINUX(",'sysctl':{'a b':'1'}"), "config.json: linux.sysctl[\"a b\"]: invalid sysctl name"},
    {LINUX(",'seccomp':{}"), "config.json: linux.seccomp.defaultAction: required"},
    {SECCOMP(",'defaultAction':'SCMP_ACT_FOO'"),
     "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_FOO\""},
    {SECCOMP(",'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_FOO']"),
     "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_FOO\""},
    {SECCOMP(",'flags':['SECCOMP_FILTER_FLAG_FOO']"),
     "config.json: linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FOO\""},
    {SECCOMP(",'syscalls':[{'names':[],'action':'SCMP_ACT_ALLOW'}]"),
     "config.json: linux.seccomp.syscalls[0].names: must be a non-empty array of strings"},
    {SECCOMP(",'syscalls':[{'names':['a'],'action':'SCMP_ACT_ALLOW'},{'names':['b'],'action':'SCMP_ACT_ALLOW'},"
             "{'names':['c'],'action':'SCMP_ACT_ALLOW'},{'names':['d'],'action':'SCMP_ACT_ALLOW','args':[{'index':6,"
             "'value':1,'op':'SCMP_CMP_EQ'}]}]"),
     "config.json: linux.seccomp.syscalls[3].args[0].index: must be 0..5"},
    {SECCOMP(
         ",'syscalls':[{'names':['a'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':1,'op':'SCMP_CMP_FOO'}]}]"),
     "config.json: linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\""},
    {SECCOMP(",'syscalls':[{'names':['a'],'action':'SCMP_ACT_ALLOW','errnoRet':1}]"),
     "config.json: linux.seccomp.syscalls[0].errnoRet: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE"},
    {SECCOMP(",'syscalls':[{'names':['a'],'action':'SCMP_ACT_NOTIFY'}]"),
     "config.json: linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"},
    {SECCOMP(",'syscalls':[{'names':['a']}]"), "config.json: linux.seccomp.syscalls[0].action: required"},
    {LINUX(",'rootfsPropagation':'foo'"), "config.json: linux.rootfsPropagation: unknown propagation \"foo\""},
    {LINUX(",'maskedPaths':['/proc/kcore','proc/keys']"),
     "config.json: linux.maskedPaths[1]: must be an absolute path, not \"proc/keys\""},
    {LINUX(",'personality':{'domain':'LINUX64'}"),
     "config.json: linux.personality.domain: unknown personality domain \"LINUX64\""},
    {LINUX(",'intelRdt':{'closID':'x'}"), "config.json: linux.intelRdt: not supported by droplet"},
    {TOP(",'hooks':{'prestart':[{'path':'hook'}]}"),
     "config.json: hooks.prestart[0].path: must be an absolute path, not \"hook\""},
    {TOP(",'hooks':{'poststop':[{'path':'/h','timeout':0}]}"),
     "config.json: hooks.poststop[0].timeout: must be 1..2147483647"},
    {TOP(",'hooks':{'stopContainer':[{'path':'/h','env':['X']}]}"),
     "config.json: hooks.stopContainer[0].env[0]: must be \"KEY=VALUE\", not \"X\""},
    {ANN("'a':'1','b':2"), "config.json: annotations[\"b\"]: must be a string, not a number"},
    {NET("`interface`:{}"), "config.json: annotations[\"io.raind.net.config\"].interface.name: required"},
    {NET("`hostInterface`:`eth0`"), "config.json: annotations[\"io.raind.net.config\"].interface: required"},
    {NET("`interface`:{`name`:`rd_0123456789abcdef`}"),
     "config.json: annotations[\"io.raind.net.config\"].interface.name: must be 1..15 characters, not "
     "\"rd_0123456789abcdef\""},
    {NET("`interface`:{`name`:`a/b`}"),
     "config.json: annotations[\"io.raind.net.config\"].interface.name: invalid interface name \"a/b\""},
    {NET("`interface`:{`name`:`rd_1`,`ipv4`:{`address`:`10.0.0.2/33`}}"),
     "config.json: annotations[\"io.raind.net.config\"].interface.ipv4.address: invalid IPv4 CIDR address "
     "\"10.0.0.2/33\" "
     "(expected a.b.c.d/0..32)"},
    {NET("`interface`:{`name`:`rd_1`,`ipv4`:{`gateway`:`10.0.0`}}"),
     "config.json: annotations[\"io.raind.net.config\"].interface.ipv4.gateway: invalid IPv4 address \"10.0.0\""},
    {NET("`interface`:{`name`:`rd_1`,`dns`:{`servers`:[`8.8.8.8`,`dns.google`]}}"),
     "config.json: annotations[\"io.raind.net.config\"].interface.dns.servers[1]: invalid IP address \"dns.google\""},
    {IMG(",`rootfsType`:`btrfs`"), "config.json: annotations[\"io.raind.image.config\"].rootfsType: unsupported rootfs "
                                   "type \"btrfs\" (only \"overlay\")"},
    {IMG(",`imageLayer`:[]"),
     "config.json: annotations[\"io.raind.image.config\"].imageLayer: must be a non-empty array of absolute paths"},
    {IMG(",`imageLayer`:[`/a`,`b`]"),
     "config.json: annotations[\"io.raind.image.config\"].imageLayer[1]: must be an absolute path, not \"b\""},
    {IMG(",`upperDir`:`/u`"),
     "config.json: annotations[\"io.raind.image.config\"].workDir: required together with upperDir"},
    {ANN("'io.raind.image.config':'[1]'"),
     "config.json: annotations[\"io.raind.image.config\"]: must be an object, not an array"},
    {"{'ociVersion':'1.2.0',}", "config.json: line 1, column 23: expected string key"},
    {NET("`interface`"), "config.json: annotations[\"io.raind.net.config\"]: line 1, column 13: expected ':'"},
    {"", "config.json: line 1, column 1: unexpected end of input"},
};

TEST(bad_configs)
{
	CHECK(ARRAY_SIZE(bad) >= 40);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct oci_config cfg;
		struct derr e = {0};
		int r = parse(bad[i].json, &cfg, &e);
		CHECK_INT(r, -1);
		if (r == 0)
			fprintf(stderr, "  bad[%zu] parsed: %s\n", i, bad[i].json);
		else
			CHECK_STR(e.msg, bad[i].want);
		CHECK(cfg.arena.head == NULL && cfg.process.args == NULL); /* left zeroed */
	}
}

/* `runc spec` output, plus rlimits, hooks, resources and seccomp. */
static const char full[] =
    "{'ociVersion':'1.0.2-dev','process':{'terminal':true,'consoleSize':{'height':24,'width':80},"
    "'user':{'uid':1000,'gid':1000,'umask':18,'additionalGids':[5,4294967295]},"
    "'args':['sh','-c','echo hi'],'env':['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',"
    "'TERM=xterm'],'cwd':'/work',"
    "'capabilities':{'bounding':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
    "'effective':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],"
    "'permitted':['CAP_AUDIT_WRITE','CAP_KILL','CAP_NET_BIND_SERVICE'],'ambient':['CAP_CHECKPOINT_RESTORE'],"
    "'inheritable':[]},"
    "'rlimits':[{'type':'RLIMIT_NOFILE','hard':1024,'soft':1024},"
    "{'type':'RLIMIT_CORE','hard':18446744073709551615,'soft':18446744073709551615}],"
    "'noNewPrivileges':true,'oomScoreAdj':-500,'selinuxLabel':'system_u:system_r:container_t:s0',"
    "'ioPriority':{'class':'IOPRIO_CLASS_IDLE','priority':7},"
    "'scheduler':{'policy':'SCHED_FIFO','priority':10,'flags':['SCHED_FLAG_RESET_ON_FORK','SCHED_FLAG_RECLAIM']},"
    "'execCPUAffinity':{'initial':'0-3,7','final':'1'},'unknownField':{'x':[1,2]}},"
    "'root':{'path':'rootfs','readonly':true},'hostname':'runc','domainname':'example.org',"
    "'mounts':[{'destination':'/proc','type':'proc','source':'proc'},"
    "{'destination':'/"
    "dev','type':'tmpfs','source':'tmpfs','options':['nosuid','strictatime','mode=755','size=65536k']},"
    "{'destination':'/dev/pts','type':'devpts','source':'devpts',"
    "'options':['nosuid','noexec','newinstance','ptmxmode=0666','mode=0620','gid=5']},"
    "{'destination':'/sys','type':'sysfs','source':'sysfs','options':['nosuid','noexec','nodev','ro']},"
    "{'destination':'/data','source':'/srv/data','options':['rbind','rprivate','rro','rnosuid','ro','rw',"
    "'rnoatime','tmpcopyup']},"
    "{'destination':'/b','type':'bind','source':'/x','options':['ridmap'],"
    "'uidMappings':[{'containerID':0,'hostID':100000,'size':65536}],"
    "'gidMappings':[{'containerID':0,'hostID':100000,'size':65536}]}],"
    "'hooks':{'prestart':[{'path':'/bin/true'}],"
    "'createRuntime':[{'path':'/usr/bin/hook','args':['hook','create'],'env':['A=1'],'timeout':5}],"
    "'stopContainer':[{'path':'/bin/stop'},{'path':'/bin/stop2'}]},"
    "'linux':{'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
    "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
    "'resources':{'devices':[{'allow':false,'access':'rwm'},{'allow':true,'type':'c','major':1,'minor':-1,'access':'rw'"
    "}],"
    "'memory':{'limit':9223372036854775807,'swap':18446744073709551615,'reservation':-1,'swappiness':0,"
    "'disableOOMKiller':true},"
    "'cpu':{'shares':1024,'quota':80000,'period':100000,'cpus':'0-1','mems':'0','idle':1},"
    "'pids':{'limit':-1},'blockIO':{'weight':500,'weightDevice':[{'major':8,'minor':0,'weight':100}],"
    "'throttleWriteIOPSDevice':[{'major':8,'minor':16,'rate':300}]},"
    "'hugepageLimits':[{'pageSize':'2MB','limit':209715200}],"
    "'network':{'classID':1048577,'priorities':[{'name':'eth0','priority':500}]},"
    "'rdma':{'mlx5_1':{'hcaHandles':3,'hcaObjects':10000}},'unified':{'memory.high':'max','io.weight':'50'}},"
    "'namespaces':[{'type':'pid'},{'type':'network','path':'/proc/1/ns/net'},{'type':'ipc'},{'type':'uts'},"
    "{'type':'mount'},{'type':'cgroup'},{'type':'user'},{'type':'time'}],"
    "'timeOffsets':{'monotonic':{'secs':-10,'nanosecs':5},'boottime':{'secs':100}},"
    "'devices':[{'type':'c','path':'/dev/fuse','major':10,'minor':229,'fileMode':438,'uid':0,'gid':0},"
    "{'type':'p','path':'/dev/fifo'}],"
    "'cgroupsPath':'raind/c1','sysctl':{'net.ipv4.ip_forward':'1','kernel.shmmax':'1'},"
    "'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','defaultErrnoRet':1,"
    "'architectures':['SCMP_ARCH_X86_64','SCMP_ARCH_X32'],'flags':['SECCOMP_FILTER_FLAG_LOG'],"
    "'listenerPath':'/run/seccomp.sock','listenerMetadata':'meta',"
    "'syscalls':[{'names':['read','write'],'action':'SCMP_ACT_ALLOW'},"
    "{'names':['personality'],'action':'SCMP_ACT_ALLOW','args':[{'index':0,'value':0,'op':'SCMP_CMP_EQ'},"
    "{'index':5,'value':18446744073709551615,'valueTwo':4294967295,'op':'SCMP_CMP_MASKED_EQ'}]},"
    "{'names':['mkdir'],'action':'SCMP_ACT_ERRNO','errnoRet':38},{'names':['ioctl'],'action':'SCMP_ACT_NOTIFY'}]},"
    "'rootfsPropagation':'rslave','maskedPaths':['/proc/kcore'],'readonlyPaths':[],'mountLabel':'lbl',"
    "'personality':{'domain':'LINUX32','flags':[]},'apparmorProfile':'ignored'},"
    "'annotations':{'org.example':'x','org.example':'y','io.raind.runtime.annotation.version':'0.1.0',"
    "'io.raind.net.config':'{`hostInterface`:`veth9`,`bridgeInterface`:`raind0`,`interface`:{`name`:`rd_c1`,"
    "`ipv4`:{`address`:`10.166.0.2/24`,`gateway`:`10.166.0.254`},`dns`:{`servers`:[`8.8.8.8`,`2001:4860::8888`]}}}',"
    "'io.raind.image.config':'{`rootfsType`:`overlay`,`imageLayer`:[`/img/l2`,`/img/l1`],"
    "`upperDir`:`/c/diff`,`workDir`:`/c/work`}'}}";

static void check_process(const struct oci_process *p)
{
	CHECK(p->present && p->terminal && p->has_console_size);
	CHECK_INT(p->console_height, 24);
	CHECK_INT(p->console_width, 80);
	CHECK_INT(p->user.uid, 1000);
	CHECK(p->user.has_umask);
	CHECK_INT(p->user.umask, 022);
	CHECK_INT(p->user.n_additional_gids, 2);
	CHECK(p->user.additional_gids[1] == UINT32_MAX);
	CHECK_INT(p->n_args, 3);
	CHECK_STR(p->args[2], "echo hi");
	CHECK_STR(p->env[1], "TERM=xterm");
	CHECK_STR(p->cwd, "/work");
	CHECK(p->caps.present);
	uint64_t want = (1ull << caps_from_name("CAP_AUDIT_WRITE")) | (1ull << 5) | (1ull << 10);
	CHECK(p->caps.sets[CAP_SET_BOUNDING] == want);
	CHECK(p->caps.sets[CAP_SET_EFFECTIVE] == want && p->caps.sets[CAP_SET_PERMITTED] == want);
	CHECK(p->caps.sets[CAP_SET_INHERITABLE] == 0);
	CHECK(p->caps.sets[CAP_SET_AMBIENT] == 1ull << 40);
	CHECK_INT(p->n_rlimits, 2);
	CHECK_INT(p->rlimits[0].resource, RLIMIT_NOFILE);
	CHECK_STR(p->rlimits[1].name, "RLIMIT_CORE");
	CHECK(p->rlimits[1].soft == UINT64_MAX && p->rlimits[1].hard == UINT64_MAX);
	CHECK(p->no_new_privileges && p->has_oom_score_adj);
	CHECK_INT(p->oom_score_adj, -500);
	CHECK_STR(p->selinux_label, "system_u:system_r:container_t:s0");
	CHECK(p->has_io_priority);
	CHECK_INT(p->io_priority_class, 3);
	CHECK_INT(p->io_priority, 7);
	CHECK(p->has_scheduler);
	CHECK_INT(p->scheduler.policy, 1);
	CHECK_INT(p->scheduler.priority, 10);
	CHECK_INT(p->scheduler.flags, 3);
	CHECK_STR(p->exec_cpu_affinity.initial, "0-3,7");
	CHECK_STR(p->apparmor_profile, "ignored"); /* Raind's linux.apparmorProfile */
}

static void check_mounts(const struct oci_config *c)
{
	CHECK_INT(c->n_mounts, 6);
	CHECK(c->mounts[0].type && !c->mounts[0].options && !c->mounts[0].data && !c->mounts[0].flags);
	CHECK_INT(c->mounts[1].flags, MS_NOSUID | MS_STRICTATIME);
	CHECK_STR(c->mounts[1].data, "mode=755,size=65536k");
	CHECK_STR(c->mounts[2].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
	CHECK_INT(c->mounts[3].flags, MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
	const struct oci_mount *m = &c->mounts[4];
	CHECK(m->bind && !m->type && !m->data && m->tmpcopyup);
	CHECK_INT(m->flags, MS_BIND | MS_REC);
	CHECK_INT(m->clear_flags, MS_RDONLY);
	CHECK_INT(m->propagation, MS_PRIVATE | MS_REC);
	CHECK_INT(m->attr_set, 0x1 | 0x2 | 0x10);
	CHECK_INT(m->attr_clr, 0x70);
	m = &c->mounts[5];
	CHECK(m->bind && m->ridmap && !m->idmap);
	CHECK_INT(m->flags, MS_BIND);
	CHECK_INT(m->n_uid_mappings, 1);
	CHECK_INT(m->gid_mappings[0].size, 65536);
}

static void check_linux(const struct oci_linux *l)
{
	for (int t = 0; t < NS_COUNT; t++)
		CHECK(l->ns[t].present);
	CHECK_STR(l->ns[NS_NET].path, "/proc/1/ns/net");
	CHECK(!l->ns[NS_PID].path);
	CHECK_INT(l->uid_mappings[0].host_id, 1000);
	CHECK(l->time_offsets.has_monotonic && l->time_offsets.has_boottime);
	CHECK_INT(l->time_offsets.monotonic_secs, -10);
	CHECK_INT(l->time_offsets.monotonic_nanosecs, 5);
	CHECK_INT(l->n_devices, 2);
	CHECK(l->devices[0].type == 'c' && l->devices[0].has_file_mode);
	CHECK_INT(l->devices[0].file_mode, 0666);
	CHECK_INT(l->devices[0].minor, 229);
	CHECK(l->devices[1].type == 'p' && !l->devices[1].has_uid);
	CHECK_STR(l->cgroups_path, "raind/c1");
	CHECK_INT(l->n_sysctl, 2);
	CHECK_STR(l->sysctl[1].key, "kernel.shmmax");
	CHECK_INT(l->rootfs_propagation, MS_SLAVE | MS_REC);
	CHECK(l->has_masked_paths && l->has_readonly_paths && l->n_readonly_paths == 0);
	CHECK_STR(l->mount_label, "lbl");
	CHECK(l->has_personality && l->personality == PER_LINUX32);
}

static void check_resources(const struct oci_resources *r)
{
	CHECK(r->present);
	CHECK_INT(r->n_devices, 2);
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a' && !r->devices[0].has_major);
	CHECK(r->devices[1].allow && r->devices[1].type == 'c' && r->devices[1].minor == -1);
	CHECK_STR(r->devices[1].access, "rw");
	CHECK(r->memory.limit.set && r->memory.limit.v == INT64_MAX);
	CHECK(r->memory.swap.set && r->memory.swap.v == -1);
	CHECK(r->memory.reservation.v == -1 && !r->memory.kernel.set);
	CHECK(r->memory.swappiness.set && r->memory.swappiness.v == 0);
	CHECK(r->memory.has_disable_oom_killer && r->memory.disable_oom_killer && !r->memory.has_use_hierarchy);
	CHECK(r->cpu.shares.v == 1024 && r->cpu.quota.v == 80000 && r->cpu.period.v == 100000);
	CHECK(!r->cpu.burst.set && r->cpu.idle.set);
	CHECK_STR(r->cpu.cpus, "0-1");
	CHECK(r->pids.limit.set && r->pids.limit.v == -1);
	CHECK(r->block_io.has_weight && r->block_io.weight == 500 && !r->block_io.has_leaf_weight);
	CHECK(r->block_io.n_weight_device == 1 && r->block_io.weight_device[0].weight == 100);
	CHECK(r->block_io.n_throttle_write_iops == 1 && r->block_io.throttle_write_iops[0].rate == 300);
	CHECK(r->block_io.n_throttle_read_bps == 0);
	CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
	CHECK(r->network.has_class_id && r->network.class_id == 1048577);
	CHECK_STR(r->network.priorities[0].name, "eth0");
	CHECK(r->n_rdma == 1 && r->rdma[0].hca_objects == 10000 && r->rdma[0].has_hca_handles);
	CHECK_STR(r->rdma[0].device, "mlx5_1");
	CHECK_INT(r->n_unified, 2);
	CHECK_STR(r->unified[0].value, "max");
}

static void check_seccomp(const struct oci_seccomp *s)
{
	CHECK(s->present && s->default_action == BPF_ACT_ERRNO && s->has_default_errno_ret);
	CHECK_INT(s->default_errno_ret, 1);
	CHECK_INT(s->n_archs, 2);
	CHECK_INT(s->archs[1], BPF_ARCH_X32);
	CHECK_INT(s->flags, 2);
	CHECK_STR(s->listener_path, "/run/seccomp.sock");
	CHECK_STR(s->listener_metadata, "meta");
	CHECK_INT(s->n_syscalls, 4);
	CHECK_STR(s->syscalls[0].names[1], "write");
	const struct oci_seccomp_rule *r = &s->syscalls[1];
	CHECK(r->action == BPF_ACT_ALLOW && r->n_args == 2 && !r->has_errno_ret);
	CHECK(r->args[0].index == 0 && r->args[0].op == BPF_OP_EQ);
	CHECK(r->args[1].index == 5 && r->args[1].value == UINT64_MAX && r->args[1].value_two == UINT32_MAX);
	CHECK_INT(r->args[1].op, BPF_OP_MASKED_EQ);
	CHECK(s->syscalls[2].has_errno_ret && s->syscalls[2].errno_ret == 38);
	CHECK_INT(s->syscalls[3].action, BPF_ACT_NOTIFY);
}

static void check_raind(const struct oci_config *c)
{
	CHECK_INT(c->n_annotations, 4);
	CHECK_STR(config_annotation(c, "org.example"), "y");
	CHECK_STR(config_annotation(c, "io.raind.runtime.annotation.version"), "0.1.0");
	CHECK(config_annotation(c, "nope") == NULL);
	CHECK(c->net.present);
	CHECK_STR(c->net.host_interface, "veth9");
	CHECK_STR(c->net.bridge_interface, "raind0");
	CHECK_STR(c->net.if_name, "rd_c1");
	CHECK_STR(c->net.address, "10.166.0.2/24");
	CHECK_STR(c->net.gateway, "10.166.0.254");
	CHECK_INT(c->net.n_dns, 2);
	CHECK_STR(c->net.dns[1], "2001:4860::8888");
	CHECK(c->image.present);
	CHECK_STR(c->image.rootfs_type, "overlay");
	CHECK_INT(c->image.n_layers, 2);
	CHECK_STR(c->image.layers[0], "/img/l2");
	CHECK_STR(c->image.upper_dir, "/c/diff");
	CHECK_STR(c->image.work_dir, "/c/work");
}

static void check_hooks(const struct oci_hooks *h)
{
	CHECK_INT(h->n[HOOK_PRESTART], 1);
	CHECK(h->hooks[HOOK_PRESTART][0].n_args == 0 && !h->hooks[HOOK_PRESTART][0].has_timeout);
	const struct oci_hook *k = &h->hooks[HOOK_CREATE_RUNTIME][0];
	CHECK_STR(k->path, "/usr/bin/hook");
	CHECK(k->n_args == 2 && k->n_env == 1 && k->has_timeout && k->timeout == 5);
	CHECK_STR(k->args[1], "create");
	CHECK_INT(h->n[HOOK_STOP_CONTAINER], 2);
	CHECK_STR(h->hooks[HOOK_STOP_CONTAINER][1].path, "/bin/stop2");
	CHECK_INT(h->n[HOOK_POSTSTOP], 0);
}

TEST(full_config)
{
	struct oci_config cfg;
	struct derr e = {0};
	int r = parse(full, &cfg, &e);
	CHECK_INT(r, 0);
	if (r < 0) {
		fprintf(stderr, "  %s\n", e.msg);
		return;
	}
	CHECK_STR(cfg.oci_version, "1.0.2-dev");
	CHECK_STR(cfg.root.path, "rootfs");
	CHECK(cfg.root.readonly);
	CHECK_STR(cfg.hostname, "runc");
	CHECK_STR(cfg.domainname, "example.org");
	check_process(&cfg.process);
	check_mounts(&cfg);
	check_linux(&cfg.linux);
	check_resources(&cfg.linux.resources);
	check_seccomp(&cfg.linux.seccomp);
	check_hooks(&cfg.hooks);
	check_raind(&cfg);
	config_free(&cfg);
	CHECK(cfg.arena.head == NULL && cfg.n_mounts == 0);
}

TEST(minimal_and_defaults)
{
	struct oci_config cfg;
	struct derr e = {0};
	CHECK_INT(
	    parse("{'ociVersion':'1.0.0','root':{'path':'/r'},'hostname':null,'linux':{},'unknown':[{}]}", &cfg, &e),
	    0);
	CHECK(!cfg.process.present && !cfg.hostname && !cfg.root.readonly);
	CHECK(!cfg.linux.seccomp.present && !cfg.linux.resources.present && !cfg.net.present && !cfg.image.present);
	CHECK(!cfg.linux.has_masked_paths && cfg.linux.rootfs_propagation == 0);
	config_free(&cfg);
	/* an empty hostname needs no UTS namespace; process wins over linux for apparmor */
	CHECK_INT(parse(PROC(",'apparmorProfile':'p1'") "", &cfg, &e), 0);
	config_free(&cfg);
	CHECK_INT(parse("{" BASE ",'hostname':'','process':{'args':['a'],'cwd':'/','apparmorProfile':'p1'},"
	                "'linux':{'apparmorProfile':'p2'}}",
	                &cfg, &e),
	          0);
	CHECK_STR(cfg.process.apparmor_profile, "p1");
	config_free(&cfg);
	/* a joined user namespace needs no mappings; net defaults */
	CHECK_INT(parse(LINUX(",'namespaces':[{'type':'user','path':'/proc/9/ns/user'}]") "", &cfg, &e), 0);
	config_free(&cfg);
	CHECK_INT(parse(ANN("'io.raind.net.config':'{`interface`:{`name`:`rd_x`}}'"), &cfg, &e), 0);
	CHECK_STR(cfg.net.host_interface, "eth0");
	CHECK_STR(cfg.net.bridge_interface, "raind0");
	CHECK(!cfg.net.address && cfg.net.n_dns == 0);
	config_free(&cfg);
	CHECK_INT(parse(RES("'memory':{'limit':18446744073709551615,'kernelTCP':0}"), &cfg, &e), 0);
	CHECK(cfg.linux.resources.memory.limit.v == -1 && cfg.linux.resources.memory.kernel_tcp.set);
	config_free(&cfg);
	CHECK_INT(parse(TOP(",'mounts':[{'destination':'/x','options':['ro','rw','bind','nodev','dev','remount']}]"),
	                &cfg, &e),
	          0);
	CHECK_INT(cfg.mounts[0].flags, MS_BIND | MS_REMOUNT);
	CHECK_INT(cfg.mounts[0].clear_flags, MS_RDONLY | MS_NODEV);
	config_free(&cfg);
}

static char tmpdir[64];

static char *tmpfile_with(const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, name), *t = q(text);
	struct derr e;
	CHECK_INT(write_file(p, t, strlen(t), false, &e), 0);
	free(t);
	return p;
}

TEST(load_files)
{
	struct oci_config cfg;
	struct derr e = {0};
	strcpy(tmpdir, "/tmp/droplet-cfg-XXXXXX");
	CHECK(mkdtemp(tmpdir) != NULL);
	char *path = tmpfile_with("config.json", TOP(""));
	CHECK_INT(config_load(tmpdir, &cfg, &e), 0); /* the bundle directory */
	CHECK_STR(cfg.process.args[0], "sh");
	config_free(&cfg);
	CHECK_INT(config_load(path, &cfg, &e), 0); /* the file itself */
	config_free(&cfg);
	free(path);

	path = tmpfile_with("other.json", PROC(",'cwd':5"));
	CHECK_INT(config_load(path, &cfg, &e), -1);
	CHECK_STR(e.msg, "other.json: process.cwd: must be a string, not a number");
	CHECK(cfg.arena.head == NULL);
	free(path);

	char *big = xmalloc((4u << 20) + 2);
	memset(big, ' ', (4u << 20) + 1);
	big[(4u << 20) + 1] = 0;
	path = tmpfile_with("big.json", big);
	CHECK_INT(config_load(path, &cfg, &e), -1);
	CHECK(strstr(e.msg, "file larger than 4194304 bytes") != NULL);
	free(big);
	unlink(path);
	free(path);

	path = xasprintf("%s/missing.json", tmpdir);
	CHECK_INT(config_load(path, &cfg, &e), -1);
	CHECK(e.errnum == ENOENT && cfg.arena.head == NULL);
	free(path);
}

TEST(load_process)
{
	struct oci_config cfg;
	struct oci_process p;
	struct derr e = {0};
	CHECK_INT(parse(TOP(""), &cfg, &e), 0);
	char *path = tmpfile_with("process.json", "{'args':['ls','-l'],'cwd':'/tmp','env':['A=B'],'terminal':true,"
	                                          "'capabilities':{'bounding':['CAP_KILL']},'user':{'uid':7}}");
	CHECK_INT(config_load_process(path, &cfg, &p, &e), 0);
	CHECK(p.present && p.terminal && p.n_args == 2 && p.user.uid == 7);
	CHECK(p.caps.sets[CAP_SET_BOUNDING] == 1ull << 5);
	CHECK_STR(p.cwd, "/tmp");
	free(path);
	path =
	    tmpfile_with("process.json", "{'args':['ls'],'rlimits':[{'type':'RLIMIT_X','soft':1,'hard':1}],'cwd':'/'}");
	CHECK_INT(config_load_process(path, &cfg, &p, &e), -1);
	CHECK_STR(e.msg, "process.json: rlimits[0].type: unknown rlimit \"RLIMIT_X\"");
	CHECK(!p.present);
	free(path);
	path = tmpfile_with("process.json", "{'args':['ls'],}");
	CHECK_INT(config_load_process(path, &cfg, &p, &e), -1);
	CHECK_STR(e.msg, "process.json: line 1, column 16: expected string key");
	unlink(path);
	free(path);
	config_free(&cfg);
	path = xasprintf("%s/config.json", tmpdir);
	unlink(path);
	free(path);
	path = xasprintf("%s/other.json", tmpdir);
	unlink(path);
	free(path);
	rmdir(tmpdir);
}

TEST(names)
{
	for (int t = 0; t < NS_COUNT; t++)
		CHECK_INT(ns_type_from_name(ns_type_name(t)), t);
	CHECK_STR(ns_type_name(NS_NET), "network");
	CHECK_STR(ns_type_name(NS_MNT), "mount");
	CHECK_INT(ns_type_from_name("net"), -1);
	CHECK(ns_type_name(NS_COUNT) == NULL);
	CHECK_STR(hook_phase_name(HOOK_CREATE_RUNTIME), "createRuntime");
	CHECK_STR(hook_phase_name(HOOK_STOP_CONTAINER), "stopContainer");
	CHECK(hook_phase_name(HOOK_PHASE_COUNT) == NULL);
}

int main(void)
{
	RUN(bad_configs);
	RUN(full_config);
	RUN(minimal_and_defaults);
	RUN(load_files);
	RUN(load_process);
	RUN(names);
	UNIT_DONE();
}
