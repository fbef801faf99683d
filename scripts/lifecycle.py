"""How scripts/suite.py stops what it started, and whether the ``postgres`` user can reach the checkout.

Stopping: ``stop_signals()`` makes SIGTERM and SIGHUP raise ``Stopped`` (a BaseException, like
KeyboardInterrupt) in the main thread, so that the ``finally`` clauses that stop the private PostgreSQL
cluster run, as they do for Ctrl-C. Before either exception is raised, the processes started with
``popen()`` (Odoo) are stopped: each runs in a session of its own, so that Ctrl-C in the terminal reaches
only this script, which sends it exactly one SIGTERM (Odoo's graceful stop), then SIGKILL to its process
group (Odoo's workers included) after ``GRACE`` seconds, or at once on a second signal.

Access: run as root, the scripts start the private cluster as the ``postgres`` user (PostgreSQL refuses
to run as root); initdb then needs to enter every directory above ``.local/pg``. ``postgres_access_problem()``
says in plain words which directory stops it and how to fix that, instead of initdb's traceback.

Port: ``port_problem()`` says that the HTTP port is taken before Odoo is started, instead of Odoo's
``Address already in use`` traceback.

The logic is tested without Odoo by scripts/tests/test_lifecycle.py.
"""

import contextlib
import grp
import os
import pwd
import signal
import socket
import stat
import subprocess
import time

GRACE = 30  # seconds Odoo gets to stop after SIGTERM before it is killed
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)

_children = []
_stopping = False


class Stopped(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP once the children are stopped."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self):
        return signal.Signals(self.signum).name


def popen(cmd, **kwargs):
    """``subprocess.Popen`` in a new session, remembered so that a signal stops it first."""
    proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
    _children[:] = [child for child in _children if child.returncode is None]
    _children.append(proc)
    return proc


def _signal_group(proc, signum):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signum)  # a session leader's process group id is its pid


def stop_children(grace=None):
    """SIGTERM to every running child started by ``popen``, SIGKILL to those still there after ``grace``
    seconds (default ``GRACE``)."""
    grace = GRACE if grace is None else grace
    running = [child for child in _children if child.returncode is None]
    for child in running:
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for child in running:
        if not _reap(child, deadline):
            _signal_group(child, signal.SIGKILL)
            _reap(child, None)
        _signal_group(child, signal.SIGKILL)  # its workers may outlive the session leader for a moment
    _children[:] = [child for child in _children if child.returncode is None]


def _reap(proc, deadline):
    """Wait for ``proc`` until ``deadline`` (None: for ever); True once it has ended.

    Not ``Popen.wait``: a signal handler runs in the main thread, which may be inside ``proc.wait()``
    holding the lock that ``wait`` and ``poll`` take, so they would never return here."""
    while proc.returncode is None:
        try:
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere: it has ended
            proc.returncode = proc.returncode if proc.returncode is not None else -1
            return True
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _kill_children():
    for child in _children:
        if child.returncode is None:
            _signal_group(child, signal.SIGKILL)


def _handler(signum, _frame):
    global _stopping  # noqa: PLW0603 - one stop at a time for the whole process
    if _stopping:  # a second signal while stopping: no more waiting
        _kill_children()
        return
    _stopping = True
    try:
        stop_children()
    finally:
        _stopping = False
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stopped(signum)


@contextlib.contextmanager
def stop_signals():
    """SIGTERM/SIGHUP raise ``Stopped``, SIGINT ``KeyboardInterrupt``, both after stopping the children."""
    previous = {signum: signal.signal(signum, _handler) for signum in (signal.SIGINT, *STOP_SIGNALS)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# --------------------------------------------------------------------------- the postgres user's access


def can_enter(path, uid, gids):
    """Whether the mode bits of directory ``path`` let user ``uid`` (groups ``gids``) enter it."""
    info = os.stat(path)
    if uid == 0:
        return True
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid in gids:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def first_blocked_dir(path, enters):
    """The first directory from ``/`` down to ``path`` that ``enters(directory)`` refuses, or None."""
    path = os.path.abspath(path)
    parts = [path]
    while os.path.dirname(parts[-1]) != parts[-1]:
        parts.append(os.path.dirname(parts[-1]))
    for directory in reversed(parts):
        if not os.path.isdir(directory):
            return None  # created later, by root, with the usual mode
        if not enters(directory):
            return directory
    return None


def _runuser_can_enter(user, directory):
    """The operating system's answer (ACLs included): can ``user`` enter ``directory``?"""
    proc = subprocess.run(
        ["runuser", "-u", user, "--", "test", "-x", directory],
        cwd="/",
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def postgres_access_problem(path, user="postgres", confirm=True):
    """A message saying why ``user`` cannot reach ``path`` (the private cluster's directory), or None.

    The mode bits of each directory above ``path`` decide; with ``confirm`` (run as root) a refusal is
    checked again with ``runuser`` so that an ACL that lets the user in is not reported."""
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return (
            f"PostgreSQL: run as root, the scripts start the private cluster as the {user!r} user "
            f"(PostgreSQL refuses to run as root), and this machine has no such user. Install PostgreSQL's "
            "server package (it creates the user), run the script as a normal user, or point "
            "config/odoo.conf or the PG* variables at a running PostgreSQL server."
        )
    gids = {account.pw_gid} | {group.gr_gid for group in grp.getgrall() if user in group.gr_mem}
    blocked = first_blocked_dir(path, lambda d: can_enter(d, account.pw_uid, gids))
    if blocked is None or (confirm and _runuser_can_enter(user, blocked)):
        return None
    info = os.stat(blocked)
    owner = _name(pwd.getpwuid, info.st_uid)
    mode = stat.S_IMODE(info.st_mode)
    return (
        f"PostgreSQL: run as root, the scripts start the private cluster in {path} as the {user!r} "
        f"user (PostgreSQL refuses to run as root), but {user!r} cannot enter {blocked} "
        f"(mode {mode:04o}, owner {owner}). Either:\n"
        f"  - let it through: chmod o+x {blocked}   (or: setfacl -m u:{user}:x {blocked})\n"
        f"  - or clone the repository where {user!r} can reach it, e.g. under /srv or /opt\n"
        f"  - or run the script as a normal user (the cluster then runs as that user)\n"
        "  - or point config/odoo.conf or the PG* variables at a running PostgreSQL server"
    )


def _name(lookup, ident):
    try:
        return lookup(ident)[0]
    except KeyError:
        return str(ident)


def port_problem(port, interface=""):
    """A message when Odoo could not listen on ``port`` (all interfaces, as Odoo binds), or None."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        # as Odoo's server does: a port left in TIME_WAIT by a previous run is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((interface, port))
        except OSError as exc:
            return (
                f"Port {port} is taken ({exc.strerror}): another Odoo or scripts/demo may be running. "
                f"Stop it, or serve on another port: scripts/demo --port {port + 1}"
            )
    return None
