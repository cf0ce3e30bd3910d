package container

import (
	"runtime"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The seccomp profile of runc:bundle, so that its containers are confined
// as docker:engine's are by Docker's default profile. It is rtwasm's own
// description of that profile's semantics, not a copy of it:
//
//   - every system call not listed fails with EPERM (the default action);
//   - the allow list is what ordinary unprivileged programs use — memory,
//     files, signals, time, threads, sockets, System V IPC — which covers the
//     static musl kernels and busybox with room to spare;
//   - left out, as in Docker's default, are calls that reach beyond the
//     container or need privileges it does not have: mount, pivot_root,
//     unshare and setns, namespace-creating clone flags, module loading,
//     kexec, reboot, swap, clock setting, bpf, perf events, keyrings,
//     userfaultfd, open_by_handle_at, acct, quotactl and the like.
//
// clone is allowed only without the CLONE_NEW* flags, and personality only
// for the plain Linux personality and queries, as Docker does for
// unprivileged containers; clone3, whose flags seccomp cannot inspect, fails
// with ENOSYS so that libcs fall back to clone.
var seccompAllowed = [][]string{
	// memory
	{"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2", "munlock",
		"mlockall", "munlockall", "membarrier", "memfd_create", "get_mempolicy", "set_mempolicy", "mbind"},
	// processes and threads
	{"execve", "execveat", "exit", "exit_group", "fork", "vfork", "wait4", "waitid", "kill", "tkill", "tgkill",
		"getpid", "getppid", "gettid", "getpgid", "getpgrp", "setpgid", "getsid", "setsid", "set_tid_address",
		"set_robust_list", "get_robust_list", "rseq", "arch_prctl", "prctl", "futex", "futex_waitv",
		"pidfd_open", "pidfd_send_signal", "pidfd_getfd", "process_vm_readv", "process_vm_writev", "ptrace",
		"capget", "capset", "seccomp", "restart_syscall", "uname", "sysinfo", "getrandom", "umask"},
	// scheduling
	{"sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getparam", "sched_setparam",
		"sched_getscheduler", "sched_setscheduler", "sched_get_priority_max", "sched_get_priority_min",
		"sched_rr_get_interval", "sched_getattr", "sched_setattr", "getpriority", "setpriority",
		"ioprio_get", "ioprio_set", "getrlimit", "setrlimit", "prlimit64", "getrusage", "times"},
	// identity (only within the container's own user)
	{"getuid", "geteuid", "getgid", "getegid", "getgroups", "setgroups", "getresuid", "getresgid", "setuid",
		"setgid", "setreuid", "setregid", "setresuid", "setresgid", "setfsuid", "setfsgid"},
	// time and timers
	{"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time", "alarm",
		"getitimer", "setitimer", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
		"timer_delete", "timerfd_create", "timerfd_settime", "timerfd_gettime"},
	// signals
	{"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "rt_sigpending", "rt_sigtimedwait",
		"rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "pause", "signalfd", "signalfd4"},
	// files and descriptors
	{"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
		"open", "openat", "openat2", "creat", "close", "close_range", "lseek", "stat", "fstat", "lstat",
		"newfstatat", "statx", "statfs", "fstatfs", "access", "faccessat", "faccessat2", "readlink",
		"readlinkat", "getcwd", "chdir", "fchdir", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename",
		"renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod", "fchmodat",
		"chown", "fchown", "lchown", "fchownat", "truncate", "ftruncate", "fallocate", "fsync", "fdatasync",
		"sync", "syncfs", "sync_file_range", "getdents", "getdents64", "dup", "dup2", "dup3", "pipe", "pipe2",
		"fcntl", "ioctl", "flock", "utime", "utimes", "utimensat", "futimesat", "sendfile", "splice", "tee",
		"vmsplice", "copy_file_range", "fadvise64", "readahead", "mknod", "mknodat", "getxattr", "lgetxattr",
		"fgetxattr", "listxattr", "llistxattr", "flistxattr", "setxattr", "lsetxattr", "fsetxattr",
		"removexattr", "lremovexattr", "fremovexattr", "inotify_init", "inotify_init1", "inotify_add_watch",
		"inotify_rm_watch", "fanotify_mark"},
	// waiting on descriptors
	{"poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
		"epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2"},
	// sockets (the network namespace has only loopback)
	{"socket", "socketpair", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
		"sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "setsockopt", "getsockopt"},
	// System V and POSIX IPC (the IPC namespace is private)
	{"shmget", "shmat", "shmdt", "shmctl", "semget", "semop", "semctl", "semtimedop", "msgget", "msgsnd",
		"msgrcv", "msgctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr"},
}

// namespaceFlags are clone's CLONE_NEW* flags (and CLONE_NEWTIME's bit).
const namespaceFlags = syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUSER |
	syscall.CLONE_NEWPID | syscall.CLONE_NEWNET | syscall.CLONE_NEWCGROUP | 0x80

// seccompProfile is the profile above for this host's architecture.
func seccompProfile() *specs.LinuxSeccomp {
	eperm, enosys := uint(syscall.EPERM), uint(syscall.ENOSYS)
	var names []string
	for _, group := range seccompAllowed {
		names = append(names, group...)
	}
	p := &specs.LinuxSeccomp{
		DefaultAction:   specs.ActErrno,
		DefaultErrnoRet: &eperm,
		Architectures:   seccompArchitectures(),
		Syscalls: []specs.LinuxSyscall{
			{Names: names, Action: specs.ActAllow},
			{Names: []string{"clone"}, Action: specs.ActAllow,
				Args: []specs.LinuxSeccompArg{{Index: 0, Value: namespaceFlags, ValueTwo: 0, Op: specs.OpMaskedEqual}}},
			{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: &enosys},
		},
	}
	// personality: PER_LINUX, PER_LINUX32, each with UNAME26, and the query
	// 0xffffffff; one rule per value (a rule's conditions are ANDed).
	for _, v := range []uint64{0x0, 0x0008, 0x20000, 0x20008, 0xffffffff} {
		p.Syscalls = append(p.Syscalls, specs.LinuxSyscall{Names: []string{"personality"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 0, Value: v, Op: specs.OpEqualTo}}})
	}
	return p
}

// seccompArchitectures: the native architecture and its compat ABIs, so a
// 32-bit call cannot slip past the filter.
func seccompArchitectures() []specs.Arch {
	switch runtime.GOARCH {
	case "amd64":
		return []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32}
	case "arm64":
		return []specs.Arch{specs.ArchAARCH64, specs.ArchARM}
	}
	return nil
}
