"""How scripts/suite.py stops what it started (scripts/lifecycle.py), with real processes and signals, and
how it tells that the ``postgres`` user cannot reach the checkout. No Odoo and no PostgreSQL needed: a small
Python "server" stands for Odoo and a ``finally`` clause for stopping the private cluster, as in
``suite.py demo``. Run by the static stage of scripts/test."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, SCRIPTS)

import lifecycle  # noqa: E402

# stands for Odoo: says when it is ready and which signals it gets; "stubborn" ignores SIGTERM
SERVER = textwrap.dedent(
    """
    import signal, sys
    stubborn = sys.argv[1] == "stubborn"
    def handler(signum, frame):
        name = signal.Signals(signum).name
        if stubborn:
            print("server: ignored", name, flush=True)
            return
        print("server: stopping on", name, flush=True)
        sys.exit(0)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    print("server: ready", flush=True)
    while True:
        signal.pause()
    """
)

# stands for suite.py: main() with lifecycle.stop_signals(), cmd_demo's finally, serve()'s popen().wait()
SUPERVISOR = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {scripts!r})
    import lifecycle
    lifecycle.GRACE = float(sys.argv[1])
    try:
        with lifecycle.stop_signals():
            try:
                server = lifecycle.popen([sys.executable, "-c", {server!r}, sys.argv[2]])
                print("supervisor: server pid", server.pid, flush=True)
                server.wait()
            finally:
                print("supervisor: cluster stopped", flush=True)
    except lifecycle.Stopped as stop:
        print("supervisor: stopped by", stop.name, flush=True)
        sys.exit(128 + stop.signum)
    except KeyboardInterrupt:
        print("supervisor: interrupted", flush=True)
        sys.exit(130)
    """
)


class TestStopOnSignals(unittest.TestCase):
    """SIGTERM, SIGHUP and Ctrl-C stop the server (once, gracefully), then the cluster, then the script."""

    def start(self, grace=30, mode="normal"):
        code = SUPERVISOR.format(scripts=SCRIPTS, server=SERVER)
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(grace), mode],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.addCleanup(self.reap, proc)
        pid_line = proc.stdout.readline()
        self.assertTrue(pid_line.startswith("supervisor: server pid"), pid_line)
        self.assertEqual(proc.stdout.readline().strip(), "server: ready")
        return proc, int(pid_line.split()[-1])

    def reap(self, proc):
        if proc.poll() is None:
            proc.kill()
        proc.communicate()

    def finish(self, proc):
        out, err = proc.communicate(timeout=60)
        return proc.returncode, out.splitlines(), err

    def assert_gone(self, pid):
        with self.assertRaises(ProcessLookupError, msg="the server process is still there"):
            os.kill(pid, 0)

    def test_sigterm_stops_server_then_cluster(self):
        """kill <pid of scripts/demo>: the server gets one SIGTERM, the cluster is stopped after it."""
        proc, server_pid = self.start()
        proc.send_signal(signal.SIGTERM)
        code, lines, err = self.finish(proc)
        self.assertEqual(code, 128 + signal.SIGTERM, err)
        self.assertEqual(
            lines,
            [
                "server: stopping on SIGTERM",
                "supervisor: cluster stopped",
                "supervisor: stopped by SIGTERM",
            ],
        )
        self.assertNotIn("Traceback", err)
        self.assert_gone(server_pid)

    def test_sighup_is_a_stop_too(self):
        """Closing the terminal (SIGHUP) stops everything like SIGTERM."""
        proc, server_pid = self.start()
        proc.send_signal(signal.SIGHUP)
        code, lines, _err = self.finish(proc)
        self.assertEqual(code, 128 + signal.SIGHUP)
        self.assertEqual(lines[:2], ["server: stopping on SIGTERM", "supervisor: cluster stopped"])
        self.assert_gone(server_pid)

    def test_ctrl_c_reaches_the_server_once(self):
        """Ctrl-C (SIGINT to the script only: the server has its own session) gives the server exactly one
        SIGTERM, not a second signal that Odoo would take for a forced shutdown."""
        proc, server_pid = self.start()
        proc.send_signal(signal.SIGINT)
        code, lines, err = self.finish(proc)
        self.assertEqual(code, 130, err)
        self.assertEqual(
            lines,
            ["server: stopping on SIGTERM", "supervisor: cluster stopped", "supervisor: interrupted"],
        )
        self.assertNotIn("KeyboardInterrupt", err)
        self.assert_gone(server_pid)

    def test_server_ignoring_sigterm_is_killed_after_the_grace_period(self):
        proc, server_pid = self.start(grace=0.5, mode="stubborn")
        proc.send_signal(signal.SIGTERM)
        code, lines, _err = self.finish(proc)
        self.assertEqual(code, 128 + signal.SIGTERM)
        self.assertEqual(
            lines,
            ["server: ignored SIGTERM", "supervisor: cluster stopped", "supervisor: stopped by SIGTERM"],
        )
        self.assert_gone(server_pid)

    def test_second_signal_kills_at_once(self):
        """A second Ctrl-C or SIGTERM while the server is stopping does not wait for the grace period."""
        proc, server_pid = self.start(grace=3600, mode="stubborn")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.stdout.readline().strip(), "server: ignored SIGTERM")
        proc.send_signal(signal.SIGINT)
        code, lines, _err = self.finish(proc)  # would hang for an hour without the escalation
        self.assertEqual(code, 128 + signal.SIGTERM)
        self.assertEqual(lines, ["supervisor: cluster stopped", "supervisor: stopped by SIGTERM"])
        self.assert_gone(server_pid)

    def test_server_that_exits_on_its_own_is_not_signalled(self):
        """A server that ended by itself leaves nothing to stop: the script goes on to its cleanup."""
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {SCRIPTS!r}); import lifecycle\n"
                "with lifecycle.stop_signals():\n"
                "    code = lifecycle.popen([sys.executable, '-c', 'raise SystemExit(3)']).wait()\n"
                "    lifecycle.stop_children()\n"
                "print('exit', code)\n",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        out, _err = proc.communicate(timeout=60)
        self.assertEqual(out.strip(), "exit 3")


class TestPostgresAccess(unittest.TestCase):
    """Run as root, the private cluster runs as ``postgres``: a directory it cannot enter is named, with the
    ways out, before initdb fails. ``nobody`` stands for ``postgres`` so that this runs as any user."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        os.chmod(self.tmp, 0o755)
        self.private = os.path.join(self.tmp, "home")
        self.checkout = os.path.join(self.private, "clone")
        os.makedirs(self.checkout)
        os.chmod(self.private, 0o700)
        self.cluster = os.path.join(self.checkout, ".local", "pg")  # not created yet, as on a first run

    def test_mode_bits(self):
        uid = os.getuid()
        other = 65534 if uid != 65534 else 65533
        os.chmod(self.private, 0o710)
        gid = os.stat(self.private).st_gid
        self.assertTrue(lifecycle.can_enter(self.private, uid, set()), "owner")
        self.assertTrue(lifecycle.can_enter(self.private, other, {gid}), "group with x")
        self.assertFalse(lifecycle.can_enter(self.private, other, set()), "others without x")
        self.assertTrue(lifecycle.can_enter(self.private, 0, set()), "root enters anywhere")

    def test_first_blocked_directory_is_named(self):
        refuse = {self.private}
        self.assertEqual(lifecycle.first_blocked_dir(self.cluster, lambda d: d not in refuse), self.private)
        self.assertIsNone(lifecycle.first_blocked_dir(self.cluster, lambda d: True))

    def test_message_for_a_private_home(self):
        problem = lifecycle.postgres_access_problem(self.cluster, user="nobody")
        self.assertIsNotNone(problem)
        self.assertIn(f"cannot enter {self.private} (mode 0700", problem)
        self.assertIn(f"chmod o+x {self.private}", problem)
        self.assertIn("setfacl -m u:nobody:x", problem)
        self.assertIn("run the script as a normal user", problem)

    def test_reachable_checkout_is_fine(self):
        os.chmod(self.private, 0o711)
        self.assertIsNone(lifecycle.postgres_access_problem(self.cluster, user="nobody"))

    def test_missing_user_is_said_plainly(self):
        problem = lifecycle.postgres_access_problem(self.cluster, user="no-such-user-crm-suite")
        self.assertIn("has no such user", problem)


class TestPort(unittest.TestCase):
    """scripts/demo says that its port is taken before it starts anything."""

    def test_taken_port_is_said_plainly(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen(1)
            port = busy.getsockname()[1]
            problem = lifecycle.port_problem(port)
        self.assertIn(f"Port {port} is taken", problem)
        self.assertIn(f"scripts/demo --port {port + 1}", problem)

    def test_free_port_is_fine(self):
        with socket.socket() as probe:
            probe.bind(("", 0))
            port = probe.getsockname()[1]
        self.assertIsNone(lifecycle.port_problem(port))


if __name__ == "__main__":
    unittest.main()
