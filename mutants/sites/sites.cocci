// mutants/sites/sites.cocci: a mutant at every call of the pid and uid
// translation helpers in a function body (mutants/sites/README.md).  A call
// becomes NSX_SITE(fn, "operator", original, mutated), or NSX_SITE2(fn,
// "global", "wrongns", original, global, wrongns) where both operators
// apply; fn is the enclosing function (Coccinelle's name for it: the macro
// for SYSCALL_DEFINE0).  mutants/sites/number.py numbers the sites, names
// them and drops the mutants that change nothing.
//
// Operators:
//   global   a translated number becomes the initial namespace's
//   wrongns  a number for namespace ns becomes the caller's (ns not the
//            caller's own: number.py drops it where ns is)
//   uid      a uid/gid mapped through a user namespace is mapped through the
//            initial one instead

@vnr@
identifier fn;
expression t;
@@
fn(...) {
<...
(
- task_pid_vnr(t)
+ NSX_SITE(fn, "global", task_pid_vnr(t), task_pid_nr(t))
|
- task_tgid_vnr(t)
+ NSX_SITE(fn, "global", task_tgid_vnr(t), task_tgid_nr(t))
|
- task_pgrp_vnr(t)
+ NSX_SITE(fn, "global", task_pgrp_vnr(t), task_pgrp_nr(t))
|
- task_session_vnr(t)
+ NSX_SITE(fn, "global", task_session_vnr(t), task_session_nr_ns(t, &init_pid_ns))
|
- pid_vnr(t)
+ NSX_SITE(fn, "global", pid_vnr(t), pid_nr(t))
)
...>
}

@nr_ns@
identifier fn;
expression t, ns, ty;
@@
fn(...) {
<...
(
- task_pid_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", task_pid_nr_ns(t, ns), task_pid_nr(t), task_pid_vnr(t))
|
- task_tgid_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", task_tgid_nr_ns(t, ns), task_tgid_nr(t), task_tgid_vnr(t))
|
- task_pgrp_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", task_pgrp_nr_ns(t, ns), task_pgrp_nr_ns(t, &init_pid_ns), task_pgrp_vnr(t))
|
- task_session_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", task_session_nr_ns(t, ns), task_session_nr_ns(t, &init_pid_ns), task_session_vnr(t))
|
- task_ppid_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", task_ppid_nr_ns(t, ns), task_ppid_nr(t), task_ppid_nr_ns(t, task_active_pid_ns(current)))
|
- __task_pid_nr_ns(t, ty, ns)
+ NSX_SITE2(fn, "global", "wrongns", __task_pid_nr_ns(t, ty, ns), __task_pid_nr_ns(t, ty, &init_pid_ns), __task_pid_nr_ns(t, ty, NULL))
|
- pid_nr_ns(t, ns)
+ NSX_SITE2(fn, "global", "wrongns", pid_nr_ns(t, ns), pid_nr(t), pid_vnr(t))
)
...>
}

@uid@
identifier fn;
expression ns, k;
@@
fn(...) {
<...
(
- from_kuid_munged(ns, k)
+ NSX_SITE(fn, "uid", from_kuid_munged(ns, k), from_kuid_munged(&init_user_ns, k))
|
- from_kgid_munged(ns, k)
+ NSX_SITE(fn, "uid", from_kgid_munged(ns, k), from_kgid_munged(&init_user_ns, k))
|
- from_kuid(ns, k)
+ NSX_SITE(fn, "uid", from_kuid(ns, k), from_kuid(&init_user_ns, k))
|
- from_kgid(ns, k)
+ NSX_SITE(fn, "uid", from_kgid(ns, k), from_kgid(&init_user_ns, k))
|
- make_kuid(ns, k)
+ NSX_SITE(fn, "uid", make_kuid(ns, k), make_kuid(&init_user_ns, k))
|
- make_kgid(ns, k)
+ NSX_SITE(fn, "uid", make_kgid(ns, k), make_kgid(&init_user_ns, k))
)
...>
}
