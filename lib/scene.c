// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scene.c - the topology most cases share, made in one call (kselftest's
 * FIXTURE_SETUP): c, the init of a namespace inner, with c2 (and c2t) in it,
 * and x, the init of the sibling namespace sib.
 */
#include "internal.h"

/* In c: fork c2 as what (arg[0]) asks; reply its index. */
static void spawn_c2(const long *arg)
{
	if (arg[0] & NSX_SCENE_C2T)
		NSX_REPLY(nsx_spawn_threaded("c2", NULL, "c2t"));
	else if (arg[0] & NSX_SCENE_PARKED)
		NSX_REPLY(nsx_spawn("c2", NULL, nsx_parked, NULL));
	else
		NSX_REPLY(nsx_spawn_agent("c2", NULL));
}

void nsx_scene_c2(struct nsx_scene *s, unsigned what)
{
	s->c2 = (int)nsx_do(s->c, spawn_c2, what, 0, 0)->v[0];
	if (what & NSX_SCENE_C2T)
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
	if (what & (NSX_SCENE_C2 | NSX_SCENE_C2T | NSX_SCENE_PARKED))
		nsx_scene_c2(&s, what);
	if (what & NSX_SCENE_X) {
		s.x = nsx_spawn_agent("x", "sib");
		s.sib = nsx_ns_of(s.x);
	}
	return s;
}
