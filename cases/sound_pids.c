// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sound_pids - ALSA names the task that holds a PCM substream, a rawmidi
 * substream, a locked control element or a sequencer client in the reader's
 * pid namespace: the PCM status file and the rawmidi info file under
 * /proc/asound (owner_pid, Owner PID), SNDRV_CTL_IOCTL_ELEM_INFO's owner and
 * SNDRV_SEQ_IOCTL_GET_CLIENT_INFO's pid.  Guest only: card 0 is the
 * machine's (NSX_CASE .guest); skips where there is no card 0 control
 * device, no sequencer or no rawmidi device, or the caller may not open them
 * (root or the audio group).  make vm's own kernels have snd-dummy, the
 * sequencer and snd-virmidi built in (vm/config); Debian's cloud kernels and
 * 6.18.44 as observed have no sound.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner; c2 (inner).
 * c opens card 0's playback PCM first (substream 0), top second
 * (substream 1); the same for the first rawmidi device's output (snd-virmidi's
 * card: output substreams 0 and 1); c locks control numid 1, top numid 2; c
 * and top each open the sequencer (a user client each).  top and c2 then
 * read all of them.
 *
 * The golden lines and the kernel code behind them (sound/core/, 6.1.192):
 *
 *   c and top open the PCM (playback substreams 0 and 1: snd-dummy has 8),
 *   the sequencer and midi0 (virmidi output substreams 0 and 1: 16 each) and
 *   lock a control each: 0
 *
 *   pcm0p/sub0/status owner_pid: c to top, c to c2; sub1's: top to top,
 *   0 to c2
 *     pcm.c snd_pcm_attach_substream(): substream->pid =
 *     get_pid(task_pid(current)) at open; snd_pcm_substream_proc_status_read()
 *     prints pid_vnr(substream->pid): the reader's number, 0 when the reader
 *     cannot see the owner (CONFIG_SND_VERBOSE_PROCFS).
 *   ELEM_INFO of numid 1 and 2: owner c / top to top, c / 0 to c2; access
 *   has SNDRV_CTL_ELEM_ACCESS_LOCK (and _OWNER for the locker's own fd)
 *     control.c snd_ctl_open(): ctl->pid = get_pid(task_pid(current));
 *     snd_ctl_elem_lock() sets vd->owner = the locking file;
 *     snd_ctl_elem_info(): info->owner = pid_vnr(vd->owner->pid), -1 when
 *     unlocked.
 *   midi0's Owner PID: output 0 c / c, output 1 top / 0 (top, c2)
 *     rawmidi.c open_substream(): substream->pid = get_pid(task_pid(current));
 *     snd_rawmidi_proc_info_read() prints pid_vnr(substream->pid) for every
 *     opened substream.
 *   GET_CLIENT_INFO: c's client pid c / c (top, c2), top's client top / 0;
 *   the kernel's System client 0: pid -1
 *     seq/seq_clientmgr.c snd_seq_open(): client->data.user.owner =
 *     get_pid(task_pid(current)); get_client_info(): pid_vnr() of it for a
 *     USER_CLIENT, -1 for a kernel client.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
/* after the libc headers: asound.h uses struct timespec */
#include <sound/asound.h>
#include <sound/asequencer.h>

#define CTL    "/dev/snd/controlC0"
#define PCM    "/dev/snd/pcmC0D0p"
#define SEQ    "/dev/snd/seq"
#define STATUS "/proc/asound/card0/pcm0p/sub%d/status"

static int ctl = -1, pcm = -1, seq = -1, midi = -1;
static int midi_card = -1; /* the card with a rawmidi device 0 (snd-virmidi's) */

static void find_midi(void)
{
	char path[64];
	for (int n = 0; n < 8 && midi_card < 0; n++) {
		snprintf(path, sizeof(path), "/dev/snd/midiC%dD0", n);
		if (!access(path, F_OK))
			midi_card = n;
	}
}

/* Open the PCM and the sequencer, lock control numid arg[0]: {result, seq
 * client}. */
static void do_open(const long *arg)
{
	struct snd_ctl_elem_id id = {.numid = (unsigned)arg[0]};
	int client = -1;
	long r = 0;
	ctl = open(CTL, O_RDWR | O_CLOEXEC);
	pcm = open(PCM, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	seq = open(SEQ, O_RDWR | O_CLOEXEC);
	char path[64];
	snprintf(path, sizeof(path), "/dev/snd/midiC%dD0", midi_card);
	midi = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
	if (ctl < 0 || pcm < 0 || seq < 0 || midi < 0)
		r = -errno;
	else if (ioctl(ctl, SNDRV_CTL_IOCTL_ELEM_LOCK, &id) < 0 ||
	         ioctl(seq, SNDRV_SEQ_IOCTL_CLIENT_ID, &client) < 0)
		r = -errno;
	NSX_REPLY(r, client);
}

/* The Owner PID of rawmidi output substreams 0 and 1 in the card's midi0
 * proc file, into o[0..1] (-errno, or -ENOENT for no such line). */
static void read_midi(long *o)
{
	char path[64], line[128];
	long out = -1, v;
	o[0] = o[1] = -ENOENT;
	snprintf(path, sizeof(path), "/proc/asound/card%d/midi0", midi_card);
	FILE *f = fopen(path, "re");
	if (!f) {
		o[0] = o[1] = -errno;
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Output %ld", &v) == 1)
			out = v;
		else if (sscanf(line, "Input %ld", &v) == 1)
			out = -1;
		else if (out >= 0 && out < 2 && sscanf(line, " Owner PID : %ld", &v) == 1)
			o[out] = v;
	}
	fclose(f);
}

/* Everything a reader sees: {status owner sub0, sub1 (or -errno),
 * ELEM_INFO owner numid 1, access bits, numid 2, access, seq pid of c1,
 * c2's client, client 0, rawmidi output 0's owner, output 1's}; the
 * clients' numbers in arg. */
static void do_read(const long *clients)
{
	char path[64], line[128];
	long o[11];
	for (int s = 0; s < 2; s++) {
		snprintf(path, sizeof(path), STATUS, s);
		FILE *f = fopen(path, "re");
		o[s] = f ? -EIO : -errno;
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "owner_pid : %ld", &o[s]) == 1)
				break;
		if (f)
			fclose(f);
	}
	int fd = ctl >= 0 ? ctl : open(CTL, O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 2; i++) {
		struct snd_ctl_elem_info info = {.id.numid = (unsigned)(i + 1)};
		if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_INFO, &info) < 0) {
			o[2 + 2 * i] = -errno;
			o[3 + 2 * i] = 0;
		} else {
			o[2 + 2 * i] = info.owner;
			o[3 + 2 * i] = info.access &
			               (SNDRV_CTL_ELEM_ACCESS_LOCK | SNDRV_CTL_ELEM_ACCESS_OWNER);
		}
	}
	if (fd != ctl)
		close(fd);
	fd = seq >= 0 ? seq : open(SEQ, O_RDWR | O_CLOEXEC);
	for (int i = 0; i < 3; i++) {
		struct snd_seq_client_info ci = {.client = i < 2 ? (int)clients[i] : 0};
		o[6 + i] = ioctl(fd, SNDRV_SEQ_IOCTL_GET_CLIENT_INFO, &ci) < 0 ? -errno : ci.pid;
	}
	if (fd != seq)
		close(fd);
	read_midi(o + 9);
	nsx_send_v("reply", o, 11);
}

static const char *pidv(int observer, long v)
{
	return v < 0 && v != -1 ? nsx_res(v) : v == -1 ? "-1" : nsx_name(observer, v);
}

static const char *access_str(long a)
{
	if (a == 0)
		return "0";
	return a & SNDRV_CTL_ELEM_ACCESS_OWNER ? "LOCK|OWNER" : "LOCK";
}

static void show(const char *who, int observer, const long *o)
{
	printf("%-3s reads pcm0p/sub0/status owner_pid %s, sub1's %s\n", who, pidv(observer, o[0]),
	       pidv(observer, o[1]));
	printf("%-3s ELEM_INFO numid 1: owner %s (access %s); numid 2: owner %s (access %s)\n", who,
	       pidv(observer, o[2]), access_str(o[3]), pidv(observer, o[4]), access_str(o[5]));
	printf("%-3s GET_CLIENT_INFO pid: c's client %s, top's client %s, client 0 %s\n", who,
	       pidv(observer, o[6]), pidv(observer, o[7]), pidv(observer, o[8]));
	printf("%-3s reads midi0's Owner PID: output 0 %s, output 1 %s\n", who,
	       pidv(observer, o[9]), pidv(observer, o[10]));
}

NSX_CASE(.family = "Device drivers", .rows = "7.10 27.9",
         .kconfig =
                 "CONFIG_SOUND CONFIG_SND CONFIG_SND_DRIVERS CONFIG_SND_DUMMY CONFIG_SND_SEQUENCER "
                 "CONFIG_SND_VIRMIDI CONFIG_SND_PROC_FS CONFIG_SND_VERBOSE_PROCFS CONFIG_SND_TIMER",
         .guest = "opens card 0's PCM and locks its controls, which are the machine's");

int main(void)
{
	nsx_init("top", "outer");
	if (access(CTL, F_OK))
		nsx_skip("no sound card 0: " CTL ": %s (CONFIG_SND_DUMMY)", nsx_errname(errno));
	if (access(SEQ, F_OK))
		nsx_skip("no " SEQ ": %s (CONFIG_SND_SEQUENCER)", nsx_errname(errno));
	find_midi();
	if (midi_card < 0)
		nsx_skip("no rawmidi device: /dev/snd/midiC*D0 (CONFIG_SND_VIRMIDI)");
	if (access(CTL, R_OK | W_OK) || access(PCM, R_OK | W_OK) || access(SEQ, R_OK | W_OK))
		nsx_skip("no access to card 0's devices: %s (root or the audio group)",
		         nsx_errname(errno));
	struct nsx_scene sc = nsx_scene(NSX_SCENE_C2);
	printf("# sound_pids: PCM, rawmidi, control and sequencer owners in the reader's "
	       "namespace\n");
	const long *m = nsx_do(sc.c, do_open, 1, 0, 0)->v;
	printf("c   opens the PCM, the sequencer and midi0, locks numid 1: %s\n", nsx_res(m[0]));
	const long *o = nsx_by(0, do_open, 2, 0, 0)->v;
	printf("top opens the PCM, the sequencer and midi0, locks numid 2: %s\n", nsx_res(o[0]));
	if (m[0] < 0 || o[0] < 0)
		nsx_exit();
	show("top", 0, nsx_by(0, do_read, m[1], o[1], 0)->v);
	show("c2", sc.c2, nsx_do(sc.c2, do_read, m[1], o[1], 0)->v);
	nsx_exit();
}
