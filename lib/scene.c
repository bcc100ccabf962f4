// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scene.c - the topology most cases share, made in one call (kselftest's
 * FIXTURE_SETUP): c, the init of a namespace inner, with c2 (and c2t) in it,
 * and x, the init of the sibling namespace sib.
 */
#include "internal.h"

/* In c: fork c2 (with its second thread c2t when arg[0]); reply its index. */
static void spawn_c2(const long *arg)
{
	NSX_REPLY(arg[0] ? nsx_spawn_threaded("c2", NULL, "c2t") : nsx_spawn_agent("c2", NULL));
}

void nsx_scene_c2(struct nsx_scene *s, unsigned what)
{
	int threaded = !!(what & NSX_SCENE_C2T);
	s->c2 = (int)nsx_do(s->c, spawn_c2, threaded, 0, 0)->v[0];
	if (threaded)
		s->c2t = nsx_await_task("c2t");
}

struct nsx_scene nsx_scene(unsigned what)
{
	struct nsx_scene s = {.top = nsx_self(), .c2 = -1, .c2t = -1, .x = -1, .sib = -1};
	if (!nsx_is_top())
		nsx_fail("nsx_scene() outside the top");
	s.outer = nsx_ns_of(s.top);
	s.c = nsx_spawn_agent("c", "inner");
	s.inner = nsx_ns_of(s.c);
	if (what & (NSX_SCENE_C2 | NSX_SCENE_C2T))
		nsx_scene_c2(&s, what);
	if (what & NSX_SCENE_X) {
		s.x = nsx_spawn_agent("x", "sib");
		s.sib = nsx_ns_of(s.x);
	}
	return s;
}
