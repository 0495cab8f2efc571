"""The system calls a grading kernel may not make, as a seccomp filter.

Two doors stay open in a sandbox made of namespaces and an unprivileged user:

- **Keys.** The kernel's keyring calls reach the session keyring it inherited,
  which is the grader's, shared by every kernel, and a user's keyring outlives
  the kernel that filled it. No course code needs a key.
- **New user namespaces.** Inside one, a process holds every capability of that
  namespace: the usual first step of a kernel exploit. No course code needs one.

So ``keyctl``, ``add_key`` and ``request_key`` fail with EPERM, as do ``unshare``
and ``clone`` asking for a user namespace; ``clone3``, whose flags a filter
cannot read, fails with ENOSYS, on which the C library falls back to ``clone``.
Everything else is allowed. The same program goes to bwrap (``--seccomp``) for a
cold kernel and into :func:`install` for a warm one.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

_CLONE_NEWUSER = 0x10000000
#: (audit architecture, syscall numbers) per machine
_ARCHITECTURES = {
    "x86_64": (0xC000003E, {"add_key": 248, "request_key": 249, "keyctl": 250,
                            "unshare": 272, "clone": 56, "clone3": 435}),
    "aarch64": (0xC00000B7, {"add_key": 217, "request_key": 218, "keyctl": 219,
                             "unshare": 97, "clone": 220, "clone3": 435}),
}
# classic BPF as seccomp reads it: struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_X32 = 0x40000000
_ALLOW, _ERRNO, _KILL = 0x7FFF0000, 0x00050000, 0x80000000
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (little-endian: arg 0's low word)


def program() -> bytes | None:
    """The filter as bytes (bwrap's format, and the kernel's), or None on another machine."""
    known = _ARCHITECTURES.get(platform.machine())
    if known is None:
        return None
    arch, numbers = known

    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("<HBBI", code, jt, jf, k)

    deny, nosys = _ERRNO | errno.EPERM, _ERRNO | errno.ENOSYS
    rules = [op(_LD_W_ABS, _ARCH), op(_JEQ, arch, 1, 0), op(_RET, _KILL),
             op(_LD_W_ABS, _NR),
             op(_JGE, _X32, 0, 1), op(_RET, deny)]  # x32 calls share the architecture
    for name in ("keyctl", "add_key", "request_key"):
        rules += [op(_JEQ, numbers[name], 0, 1), op(_RET, deny)]
    rules += [op(_JEQ, numbers["clone3"], 0, 1), op(_RET, nosys)]
    for name in ("unshare", "clone"):
        # the number matches: look at the flags; a user namespace is refused
        rules += [op(_JEQ, numbers[name], 0, 4), op(_LD_W_ABS, _ARG0),
                  op(_JSET, _CLONE_NEWUSER, 0, 1), op(_RET, deny), op(_RET, _ALLOW)]
    return b"".join(rules + [op(_RET, _ALLOW)])


class _Filter(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install() -> None:
    """Put the filter on this process and everything it starts (no_new_privs must be set)."""
    code = program()
    if code is None:
        return
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Filter(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_seccomp, seccomp_mode_filter = 22, 2
    if libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(prog), 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))


def program_file() -> int | None:
    """A file descriptor holding :func:`program`, for ``bwrap --seccomp FD``; None if unknown."""
    code = program()
    if code is None:
        return None
    read, write = os.pipe()
    os.write(write, code)  # a few hundred bytes: far below a pipe's buffer
    os.close(write)
    return read
