// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sound_timer_owner - an ALSA timer instance a program opens through
 * /dev/snd/timer is listed in /proc/asound/timers (mode 0444) as "Client
 * application N", N the opener's global thread id, whoever reads and through
 * whichever proc.  Core ALSA (sound/core/timer.c), not a driver.  Needs
 * /dev/snd/timer (CONFIG_SND_TIMER: make vm's own kernels have it built in,
 * vm/config; Debian's cloud kernels and 6.18.44 as observed have no sound)
 * and access to it (root or the audio group); skips otherwise.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner.  c opens the
 * timer device and selects the system timer, then top does.  Each reads the
 * file after each select; the lines a select added are that client's (a
 * client of another program, open before or throughout, is in both reads;
 * top holds a lock on /dev/snd throughout, nsx_take_turns(), so that two
 * runs of the case at once take turns).
 * N is named as a number read in the reader's namespace: "unknown" is a
 * number no task of the case has in any of its namespaces, a number of the
 * initial namespace, which outer is below.
 *
 * The golden lines and the kernel code behind them (sound/core/timer.c,
 * 6.1.192; the same in 6.12.118 and 7.2.13):
 *
 *   c and top: SNDRV_TIMER_IOCTL_SELECT of the system timer: 0
 *     snd_timer_user_tselect() builds the instance's owner string with
 *     sprintf(str, "application %i", current->pid), the selecting task's
 *     global number, for snd_timer_instance_new(), and opens it on the
 *     timer (snd_timer_open()).
 *   c's client: application unknown, read by c and by top; top's client:
 *   application unknown, read by top
 *     snd_timer_proc_read() prints "  Client %s : %s" with that stored
 *     string for each instance on the timer's open_list_head: no
 *     translation, no namespace, no permission check on the reader.
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

#define DEV   "/dev/snd/timer"
#define PROCF "/proc/asound/timers"
#define MAXC  16

static int timer = -1;

/* Open the timer device and select the system timer: 0 or -errno (by c,
 * and by top with nsx_by()). */
static void do_select(NSX_UNUSED const long *arg)
{
	struct snd_timer_select sel;
	memset(&sel, 0, sizeof(sel));
	sel.id.dev_class = SNDRV_TIMER_CLASS_GLOBAL;
	sel.id.dev_sclass = SNDRV_TIMER_SCLASS_NONE;
	sel.id.card = -1;
	sel.id.device = SNDRV_TIMER_GLOBAL_SYSTEM;
	timer = open(DEV, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	NSX_REPLY(timer < 0 || ioctl(timer, SNDRV_TIMER_IOCTL_SELECT, &sel) < 0 ? -errno : 0);
}

/* The numbers of the "Client application N" lines, in the file's order: how
 * many (at most MAXC), or -errno. */
static int clients(long *nr)
{
	static char buf[16384];
	long r = nsx_read_text(AT_FDCWD, PROCF, buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	int n = 0;
	for (char *s = buf; (s = strstr(s, "Client application ")) && n < MAXC; s++)
		nr[n++] = strtol(s + strlen("Client application "), NULL, 10);
	return n;
}

/* The numbers in after that are not in before (each counted once). */
static int added(const long *before, int nb, const long *after, int na, long *out)
{
	int n = 0;
	for (int i = 0; i < na; i++) {
		int seen = 0;
		for (int j = 0; j < nb && !seen; j++)
			seen = after[i] == before[j];
		if (!seen)
			out[n++] = after[i];
	}
	return n;
}

static void do_read(NSX_UNUSED const long *arg)
{
	long nr[MAXC];
	int n = clients(nr);
	NSX_REPLY(n, n > 0 ? nr[0] : 0, n > 1 ? nr[1] : 0, n > 2 ? nr[2] : 0, n > 3 ? nr[3] : 0);
}

/* The names of the numbers in after[] not in before[], read in observer's
 * namespace: "N1, N2", or "none". */
static const char *names(int observer, const long *before, int nb, const long *after, int na)
{
	static char s[256];
	long add[MAXC];
	int n = added(before, nb, after, na, add);
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s", i ? ", " : "",
		         nsx_name(observer, add[i]));
	return n ? s : "none";
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.27",
         .kconfig = "CONFIG_SOUND CONFIG_SND CONFIG_SND_TIMER");

int main(void)
{
	nsx_init("top", "outer");
	if (access(DEV, F_OK))
		nsx_skip("no " DEV ": %s (CONFIG_SND_TIMER)", nsx_errname(errno));
	if (access(DEV, R_OK))
		nsx_skip("no access to " DEV ": %s (root or the audio group)", nsx_errname(errno));
	nsx_take_turns("/dev/snd");
	long before[MAXC], after_c[MAXC], after_top[MAXC];
	int nb = clients(before);
	if (nb < 0)
		nsx_skip(PROCF ": %s (CONFIG_SND_PROC_FS)", nsx_errname(-nb));
	if (nb > 3)
		nsx_skip(PROCF " lists %d clients of other programs already", nb);
	int c = nsx_spawn_agent("c", "inner");
	printf("# sound_timer_owner: the system timer's clients in " PROCF "\n");
	long r = nsx_do(c, do_select, 0, 0, 0)->v[0];
	printf("c   selects the system timer: %s\n", nsx_res(r));
	if (r)
		nsx_exit();
	const long *v = nsx_do(c, do_read, 0, 0, 0)->v;
	long by_c[MAXC];
	int nc = (int)v[0];
	for (int i = 0; i < nc && i < 4; i++)
		by_c[i] = v[1 + i];
	int na = clients(after_c);
	printf("c's client: application %s, read by c; %s, read by top\n",
	       names(c, before, nb, by_c, nc), names(0, before, nb, after_c, na));
	r = nsx_by(0, do_select, 0, 0, 0)->v[0];
	printf("top selects the system timer: %s\n", nsx_res(r));
	if (r)
		nsx_exit();
	int nt = clients(after_top);
	printf("top's client: application %s, read by top\n", names(0, after_c, na, after_top, nt));
	nsx_exit();
}
