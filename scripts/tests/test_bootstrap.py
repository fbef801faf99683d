"""The network-free logic of scripts/bootstrap.py: how Odoo's requirements are rewritten to install
without system headers, how pip failures are answered, and when an existing .local/venv is reused or
refreshed. Run by the static stage of scripts/test; alone: ``python3 -m unittest discover scripts/tests``."""

import contextlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import bootstrap  # noqa: E402

# Lines of Odoo 18.0's requirements.txt, as shipped (comments and markers included)
ODOO_REQUIREMENTS = """\
# The officially supported versions of the following packages are their
# python3-* equivalent distributed in Ubuntu 24.04 and Debian 12
Babel==2.9.1 ; python_version < '3.11'  # min version = 2.6.0 (Focal with security backports)
Babel==2.10.3 ; python_version >= '3.11'
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
gevent==21.8.0 ; sys_platform != 'win32' and python_version == '3.10'  # (Jammy)
gevent==22.10.2; sys_platform != 'win32' and python_version > '3.10' and python_version < '3.12'
gevent==24.2.1 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
lxml==4.9.3 ; python_version > '3.10' and python_version < '3.12' # min 4.9.2
lxml==5.2.1; python_version >= '3.12' # (Noble - removed html clean)
lxml-html-clean; python_version >= '3.12' # (Noble - removed from lxml)
psycopg2==2.9.2 ; python_version == '3.10' # (Jammy)
psycopg2==2.9.5 ; python_version == '3.11'
psycopg2==2.9.9 ; python_version >= '3.12' # (Noble) Mostly to have a wheel package
pypiwin32 ; sys_platform == 'win32'
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12' # min version = 3.2.0
python-ldap==3.4.4 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
pytz  # no version pinning to avoid OS perturbations
"""


def marker_env(version, platform="linux"):
    return {
        "python_version": version,
        "python_full_version": version + ".7",
        "sys_platform": platform,
        "platform_system": "Linux" if platform == "linux" else "Windows",
        "os_name": "posix",
        "implementation_name": "cpython",
        "extra": "",
    }


def lines(reqs):
    return sorted(req.line() for req in reqs)


class TestMarkers(unittest.TestCase):
    def test_python_versions_compare_as_versions(self):
        """'3.10' is newer than '3.9', which a string comparison gets wrong."""
        env = marker_env("3.10")
        self.assertIs(bootstrap.evaluate_marker("python_version > '3.9'", env), True)
        self.assertIs(bootstrap.evaluate_marker("python_version >= '3.11'", env), False)
        self.assertIs(bootstrap.evaluate_marker("python_version == '3.10'", env), True)

    def test_and_or_and_platforms(self):
        env = marker_env("3.11")
        marker = "sys_platform != 'win32' and python_version > '3.10' and python_version < '3.12'"
        self.assertIs(bootstrap.evaluate_marker(marker, env), True)
        self.assertIs(bootstrap.evaluate_marker(marker, marker_env("3.11", "win32")), False)
        self.assertIs(
            bootstrap.evaluate_marker("sys_platform == 'win32' or python_version < '3.12'", env), True
        )
        self.assertIs(bootstrap.evaluate_marker('extra == "ldap"', env), False)

    def test_unknown_markers_are_left_to_pip(self):
        env = marker_env("3.11")
        self.assertIsNone(bootstrap.evaluate_marker("(python_version < '3.12')", env))
        self.assertIsNone(bootstrap.evaluate_marker("platform_release >= '5'", env))
        self.assertIsNone(bootstrap.evaluate_marker("python_version <> '3'", env))


class TestRewrite(unittest.TestCase):
    def test_python_311_without_headers(self):
        """psycopg2 becomes psycopg2-binary, python-ldap is left out, markers are resolved."""
        applicable, every, notes = bootstrap.rewrite_odoo_requirements(ODOO_REQUIREMENTS, marker_env("3.11"))
        self.assertEqual(
            lines(applicable),
            [
                "Babel==2.10.3",
                "cbor2==5.4.2",
                "gevent==22.10.2",
                "lxml==4.9.3",
                "psycopg2-binary==2.9.5",
                "pytz",
            ],
        )
        self.assertEqual(len(every), 17)  # every requirement line, for the fallbacks
        self.assertFalse([r for r in every if r.key == "psycopg2"])
        self.assertTrue(any("psycopg2-binary" in n for n in notes))
        self.assertTrue(any("python-ldap left out" in n for n in notes))

    def test_python_312_and_ldap_when_asked(self):
        applicable, _every, notes = bootstrap.rewrite_odoo_requirements(
            ODOO_REQUIREMENTS, marker_env("3.12"), ldap=True
        )
        self.assertIn("cbor2==5.6.2", lines(applicable))
        self.assertIn("lxml-html-clean", lines(applicable))
        self.assertIn("python-ldap==3.4.4", lines(applicable))
        self.assertIn("psycopg2-binary==2.9.9", lines(applicable))
        self.assertFalse(any("python-ldap" in n for n in notes))

    def test_unknown_marker_is_kept_for_pip(self):
        applicable, _every, _notes = bootstrap.rewrite_odoo_requirements(
            "foo==1.0 ; platform_release >= '5'\nbar==2 ; python_version < '3'\n", marker_env("3.11")
        )
        self.assertEqual(lines(applicable), ["foo==1.0 ; platform_release >= '5'"])

    def test_wheel_metadata(self):
        """A wheel's Requires-Dist: loose names, python-ldap only behind the ldap extra."""
        metadata = (
            "Metadata-Version: 2.1\nName: odoo\nVersion: 18.0\n"
            "Requires-Dist: babel >=1.0\nRequires-Dist: psycopg2 >=2.2\n"
            'Requires-Dist: python-ldap ; extra == "ldap"\n\nOdoo is a complete ERP.\n'
        )
        text = bootstrap.requires_dist(metadata)
        applicable, _every, _notes = bootstrap.rewrite_odoo_requirements(text, marker_env("3.11"))
        self.assertEqual(lines(applicable), ["babel>=1.0", "psycopg2-binary>=2.2"])
        applicable, _every, _notes = bootstrap.rewrite_odoo_requirements(text, marker_env("3.11"), ldap=True)
        self.assertEqual(lines(applicable), ["babel>=1.0", "psycopg2-binary>=2.2", "python-ldap"])

    def test_installed_odoo_asks_for_the_binary_psycopg2(self):
        """Otherwise the OCA wheels' dependency on odoo makes pip build psycopg2 from source."""
        metadata = (
            "Name: odoo\nRequires-Dist: psycopg2 >=2.2\nRequires-Dist: psycopg2-binary\n"
            "Requires-Dist: psycopg2\nRequires-Dist: psycopg2cffi\nRequires-Dist: pyserial\n\npsycopg2 text\n"
        )
        self.assertEqual(
            bootstrap.rewrite_installed_metadata(metadata),
            "Name: odoo\nRequires-Dist: psycopg2-binary >=2.2\nRequires-Dist: psycopg2-binary\n"
            "Requires-Dist: psycopg2-binary\nRequires-Dist: psycopg2cffi\nRequires-Dist: pyserial\n\n"
            "psycopg2 text\n",
        )

    def test_candidates_after_a_failed_pin(self):
        """Odoo's own newer pin first (its choice for another Python), then the same major, then any."""
        _applicable, every, _notes = bootstrap.rewrite_odoo_requirements(
            ODOO_REQUIREMENTS, marker_env("3.11")
        )
        self.assertEqual(
            bootstrap.candidate_specs(bootstrap.Req("cbor2", "==5.4.2"), every),
            ["==5.6.2", ">=5.4.2,<6", ""],
        )
        self.assertEqual(
            bootstrap.candidate_specs(bootstrap.Req("gevent", "==22.10.2"), every),
            ["==24.2.1", ">=22.10.2,<23", ""],
        )
        self.assertEqual(bootstrap.candidate_specs(bootstrap.Req("pytz"), every), [""])
        self.assertEqual(bootstrap.candidate_specs(bootstrap.Req("babel", ">=1.0"), []), [">=1.0", ""])


# What pip 23 prints when a pinned sdist cannot even produce its build requirements (cbor2 5.4.2 with a
# setuptools that no longer ships pkg_resources)
PIP_METADATA_FAILURE = """\
Collecting Babel==2.10.3 (from -r odoo-requirements.txt (line 1))
  Using cached Babel-2.10.3-py3-none-any.whl (9.5 MB)
Collecting cbor2==5.4.2 (from -r odoo-requirements.txt (line 2))
  Using cached cbor2-5.4.2.tar.gz (85 kB)
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'error'
  error: subprocess-exited-with-error

  × Getting requirements to build wheel did not run successfully.
  │ exit code: 1
  ╰─> [17 lines of output]
      ModuleNotFoundError: No module named 'pkg_resources'
      [end of output]

  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error
"""
PIP_BUILD_FAILURE_23 = """\
  Building wheel for rjsmin (pyproject.toml): finished with status 'error'
  ERROR: Failed building wheel for rjsmin
  Building wheel for reportlab (setup.py): finished with status 'error'
  ERROR: Failed building wheel for reportlab
Failed to build rjsmin reportlab
ERROR: Could not build wheels for rjsmin, reportlab, which is required to install pyproject.toml-based \
projects
"""
PIP_BUILD_FAILURE_25 = """\
  error: command 'gcc' failed: No such file or directory
  ERROR: Failed building wheel for python-ldap
Failed to build python-ldap
ERROR: Failed to build installable wheels for some pyproject.toml based projects (python-ldap)
"""
PIP_NOT_FOUND = """\
ERROR: Could not find a version that satisfies the requirement gevent==22.10.2 (from versions: 24.10.1)
ERROR: No matching distribution found for gevent==22.10.2
"""


class TestPipFailures(unittest.TestCase):
    def test_names_of_failed_packages(self):
        self.assertEqual(bootstrap.failed_packages(PIP_METADATA_FAILURE), ["cbor2"])
        self.assertEqual(bootstrap.failed_packages(PIP_BUILD_FAILURE_23), ["rjsmin", "reportlab"])
        self.assertEqual(bootstrap.failed_packages(PIP_BUILD_FAILURE_25), ["python-ldap"])
        self.assertEqual(bootstrap.failed_packages(PIP_NOT_FOUND), ["gevent"])
        from_local_index = PIP_METADATA_FAILURE.replace(
            "Collecting cbor2==5.4.2 (from -r odoo-requirements.txt (line 2))",
            "Processing /opt/pypi/files/cbor2-5.4.2.tar.gz (from -r odoo-requirements.txt (line 2))",
        )
        self.assertEqual(bootstrap.failed_packages(from_local_index), ["cbor2"])
        self.assertEqual(bootstrap.failed_packages("ERROR: network is unreachable\n"), [])


class ScriptedLog:
    """Stands in for the bootstrap's Log: records the pip commands, answers with scripted outputs."""

    path = "scripted.log"

    def __init__(self, outputs, workdir):
        self.outputs, self.workdir, self.calls = list(outputs), workdir, []

    def run(self, cmd):
        requirements = None
        if "-r" in cmd:
            with open(cmd[cmd.index("-r") + 1], encoding="utf-8") as fh:
                requirements = fh.read().split()
        self.calls.append(([arg for arg in cmd if arg.startswith("--only-binary")], requirements))
        output = self.outputs.pop(0)
        return (1 if output else 0), output

    def tail(self, output, count=25):
        return output


class TestInstallWithFallbacks(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.reqfile = os.path.join(self.tmp, "odoo-requirements.txt")
        self.applicable, self.every, _notes = bootstrap.rewrite_odoo_requirements(
            ODOO_REQUIREMENTS, marker_env("3.11")
        )

    def install(self, outputs):
        log = ScriptedLog(outputs, self.tmp)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            changes = bootstrap.install_with_fallbacks(
                "python", log, self.applicable, self.every, self.reqfile
            )
        return log, changes, out.getvalue()

    def test_cbor2_moves_to_odoos_newer_pin_as_a_wheel(self):
        log, changes, out = self.install([PIP_METADATA_FAILURE, ""])
        self.assertEqual(changes, {"cbor2": "==5.6.2"})
        self.assertEqual(log.calls[0][0], [])
        self.assertIn("cbor2==5.4.2", log.calls[0][1])
        self.assertEqual(log.calls[1][0], ["--only-binary=cbor2"])
        self.assertIn("cbor2==5.6.2", log.calls[1][1])
        self.assertNotIn("cbor2==5.4.2", log.calls[1][1])
        self.assertIn("cbor2==5.4.2", out)

    def test_each_candidate_in_turn_then_a_clear_failure(self):
        failure = "ERROR: No matching distribution found for cbor2\n"
        with self.assertRaises(bootstrap.SetupFailed) as caught:
            self.install([PIP_METADATA_FAILURE, failure, failure, failure])
        self.assertIn("pip could not install them", str(caught.exception))

    def test_a_dependency_that_fails_to_build_is_taken_as_a_wheel(self):
        dependency_failure = PIP_BUILD_FAILURE_23.replace("reportlab", "zeep-dep").replace("rjsmin", "lxml-x")
        log, changes, _out = self.install([dependency_failure, ""])
        self.assertEqual(changes, {})
        self.assertEqual(log.calls[1][0], ["--only-binary=lxml-x,zeep-dep"])

    def test_unrelated_failure_is_reported_at_once(self):
        with self.assertRaises(bootstrap.SetupFailed):
            self.install(["ERROR: HTTP error 503 while getting https://example.invalid/\n"])


class TestMarker(unittest.TestCase):
    def wanted(self, **changes):
        state = {
            "format": bootstrap.FORMAT,
            "python": "3.11.7",
            "python_executable": "/usr/bin/python3",
            "source": {"kind": "dir", "location": "/src/odoo", "revision": "git:abc"},
            "ldap": False,
            "odoo_requirements": "r1",
            "project_requirements": {"requirements.txt": "p1", "requirements-dev.txt": "d1"},
        }
        state.update(changes)
        return state

    def test_decisions(self):
        saved = dict(self.wanted(), built_at="2025-01-01T00:00:00", substitutions={})
        self.assertEqual(bootstrap.decide(None, self.wanted()), "build")
        self.assertEqual(bootstrap.decide(saved, self.wanted()), "reuse")
        self.assertEqual(bootstrap.decide(saved, self.wanted(python_executable="/other/python3")), "reuse")
        self.assertEqual(bootstrap.decide(saved, self.wanted(python="3.12.1")), "build")
        self.assertEqual(bootstrap.decide(saved, self.wanted(format=bootstrap.FORMAT + 1)), "build")
        revision = {"kind": "dir", "location": "/src/odoo", "revision": "git:def"}
        self.assertEqual(bootstrap.decide(saved, self.wanted(source=revision)), "odoo")
        self.assertEqual(bootstrap.decide(saved, self.wanted(odoo_requirements="r2")), "odoo")
        self.assertEqual(bootstrap.decide(saved, self.wanted(ldap=True)), "odoo")
        project = {"requirements.txt": "p2", "requirements-dev.txt": "d1"}
        self.assertEqual(bootstrap.decide(saved, self.wanted(project_requirements=project)), "project")

    def test_marker_round_trip_and_project_hashes(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = os.path.join(tmp, "venv", "crm-suite", "marker.json")
        self.assertIsNone(bootstrap.read_marker(path))
        bootstrap.write_marker(self.wanted(), path)
        self.assertEqual(bootstrap.read_marker(path), self.wanted())
        with open(path, "w") as fh:
            fh.write("{broken")
        self.assertIsNone(bootstrap.read_marker(path))

        with open(os.path.join(tmp, "requirements.txt"), "w") as fh:
            fh.write("phonenumbers\n")
        before = bootstrap.project_requirement_hashes(tmp)
        self.assertIsNone(before["requirements-dev.txt"])
        with open(os.path.join(tmp, "requirements.txt"), "a") as fh:
            fh.write("xlsxwriter\n")
        after = bootstrap.project_requirement_hashes(tmp)
        self.assertNotEqual(before["requirements.txt"], after["requirements.txt"])


def make_source_tree(path, series="18, 0", requirements="pytz\n", pkg_version=None):
    os.makedirs(os.path.join(path, "odoo"))
    with open(os.path.join(path, "odoo", "release.py"), "w") as fh:
        fh.write(f"RELEASE_LEVELS = []\nversion_info = ({series}, 0, 'final', 0, '')\n")
    with open(os.path.join(path, "setup.py"), "w") as fh:
        fh.write("from setuptools import setup\nsetup(name='odoo')\n")
    with open(os.path.join(path, "requirements.txt"), "w") as fh:
        fh.write(requirements)
    if pkg_version:
        with open(os.path.join(path, "PKG-INFO"), "w") as fh:
            fh.write(f"Metadata-Version: 2.1\nName: odoo\nVersion: {pkg_version}\n")


class TestSources(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_what_odoo_src_names(self):
        tree = os.path.join(self.tmp, "odoo")
        make_source_tree(tree)
        archive = os.path.join(self.tmp, "odoo_18.0.latest.tar.gz")
        wheel = os.path.join(self.tmp, "odoo-18.0-py3-none-any.whl")
        other = os.path.join(self.tmp, "notes.txt")
        for path in (archive, wheel, other):
            open(path, "w").close()
        self.assertEqual(bootstrap.source_from(tree).kind, "dir")
        self.assertEqual(bootstrap.source_from(archive).kind, "archive")
        self.assertEqual(bootstrap.source_from(wheel).kind, "wheel")
        self.assertEqual(bootstrap.source_from("https://git.example.org/odoo.git").kind, "git")
        with self.assertRaises(bootstrap.NoSource):
            bootstrap.source_from(os.path.join(self.tmp, "missing"))
        with self.assertRaises(bootstrap.NoSource):
            bootstrap.source_from(other)

    def test_without_odoo_src_the_marker_source_then_odoos_repository(self):
        tree = os.path.join(self.tmp, "odoo")
        make_source_tree(tree)
        saved = {"source": {"kind": "dir", "location": tree, "revision": "x"}}
        self.assertEqual(bootstrap.source_from(None, saved).location, tree)
        shutil.rmtree(tree)
        fallback = bootstrap.source_from(None, saved)
        self.assertEqual((fallback.kind, fallback.location), ("git", bootstrap.ODOO_GIT_URL))

    def test_tree_revision_follows_the_requirements(self):
        tree = os.path.join(self.tmp, "odoo")
        make_source_tree(tree, pkg_version="18.0.post20250506")
        first = bootstrap.tree_revision(tree)
        self.assertTrue(first.startswith("tree:18.0.post20250506:"))
        with open(os.path.join(tree, "requirements.txt"), "a") as fh:
            fh.write("lxml\n")
        self.assertNotEqual(bootstrap.tree_revision(tree), first)

    def test_archive_revision_is_its_hash_cached_by_size_and_time(self):
        archive = os.path.join(self.tmp, "odoo.tar")
        with open(archive, "w") as fh:
            fh.write("first")
        source = bootstrap.Source("archive", archive)
        revision = bootstrap.source_revision(source)
        self.assertTrue(revision.startswith("sha256:"))
        saved = {"source": dict(source.as_dict(), revision="sha256:cached"), "source_stamp": "0:0"}
        self.assertEqual(bootstrap.source_revision(source, saved), revision)  # stamp differs: hashed again
        saved["source_stamp"] = bootstrap.file_stamp(archive)
        self.assertEqual(bootstrap.source_revision(source, saved), "sha256:cached")
        with open(archive, "w") as fh:
            fh.write("second, longer")
        self.assertNotIn(bootstrap.source_revision(source, saved), ("sha256:cached", revision))

    def test_archives_unpack_to_their_source_root(self):
        tree = os.path.join(self.tmp, "build", "odoo-18.0.post20250506")
        make_source_tree(tree)
        tar_path = os.path.join(self.tmp, "odoo.tar.gz")
        with tarfile.open(tar_path, "w:gz") as tf:
            tf.add(tree, arcname="odoo-18.0.post20250506")
        zip_path = os.path.join(self.tmp, "odoo.zip")
        with zipfile.ZipFile(zip_path, "w") as zf:
            for folder, _dirs, files in os.walk(tree):
                for name in files:
                    full = os.path.join(folder, name)
                    zf.write(full, os.path.relpath(full, os.path.dirname(tree)))
        for archive in (tar_path, zip_path):
            root = bootstrap.extract_archive(archive, os.path.join(self.tmp, "out"))
            self.assertEqual(os.path.basename(root), "odoo-18.0.post20250506")
            self.assertEqual(bootstrap.odoo_series(root), (18, 0))

    def test_not_an_odoo_archive(self):
        empty = os.path.join(self.tmp, "empty.zip")
        with zipfile.ZipFile(empty, "w") as zf:
            zf.writestr("README", "nothing here")
        with self.assertRaises(bootstrap.SetupFailed):
            bootstrap.extract_archive(empty, os.path.join(self.tmp, "out"))

    def test_only_odoo_18_is_taken(self):
        tree17, tree18 = os.path.join(self.tmp, "odoo17"), os.path.join(self.tmp, "odoo18")
        make_source_tree(tree17, series="17, 0")
        make_source_tree(tree18, requirements="cbor2==5.4.2\n")
        self.assertEqual(bootstrap.odoo_series(tree17), (17, 0))
        with contextlib.redirect_stdout(io.StringIO()):
            with self.assertRaises(bootstrap.SetupFailed) as caught:
                bootstrap.prepare_source(bootstrap.Steps(1), bootstrap.Source("dir", tree17), False)
            root, requirements = bootstrap.prepare_source(
                bootstrap.Steps(1), bootstrap.Source("dir", tree18), False
            )
        self.assertIn("17.0", str(caught.exception))
        self.assertEqual((root, requirements), (tree18, "cbor2==5.4.2\n"))


@unittest.skipUnless(shutil.which("git"), "git is not installed")
class TestClone(unittest.TestCase):
    """The shallow clone of the 18.0 branch, against a repository on disk instead of Odoo's."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        self.remote = os.path.join(self.tmp, "remote")
        make_source_tree(self.remote)
        env = dict(
            os.environ,
            GIT_AUTHOR_NAME="t",
            GIT_AUTHOR_EMAIL="t@t",
            GIT_COMMITTER_NAME="t",
            GIT_COMMITTER_EMAIL="t@t",
        )
        for cmd in (["init", "-q", "-b", "18.0"], ["add", "."], ["commit", "-q", "-m", "odoo"]):
            subprocess.run(["git", *cmd], cwd=self.remote, check=True, env=env, capture_output=True)
        local = os.path.join(self.tmp, "checkout", ".local")
        patches = {"LOCAL": local, "CLONE_DIR": os.path.join(local, "odoo")}
        for name, value in patches.items():
            patcher = mock.patch.object(bootstrap, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_clone_and_revision(self):
        bootstrap.probe_repository(self.remote)
        root = bootstrap.clone_or_update(self.remote, update=False)
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=self.remote, capture_output=True, text=True)
        self.assertEqual(
            bootstrap.source_revision(bootstrap.Source("git", self.remote)), f"git:{head.stdout.strip()}"
        )
        self.assertEqual(bootstrap.odoo_series(root), (18, 0))

    def test_unreachable_repository_fails_fast_with_no_source(self):
        with self.assertRaises(bootstrap.NoSource) as caught:
            bootstrap.probe_repository(os.path.join(self.tmp, "nowhere"))
        self.assertIn("18.0", str(caught.exception))


class TestNoSource(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.tmp)
        local = os.path.join(self.tmp, ".local")
        patches = {
            "LOCAL": local,
            "VENV": os.path.join(local, "venv"),
            "MARKER": os.path.join(local, "venv", "crm-suite", "marker.json"),
            "CLONE_DIR": os.path.join(local, "odoo"),
            "ODOO_GIT_URL": os.path.join(self.tmp, "unreachable", "odoo"),
        }
        for name, value in patches.items():
            patcher = mock.patch.object(bootstrap, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_one_line_with_both_ways_out(self):
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("ODOO_SRC", None)
            os.environ.pop(bootstrap.GUARD_VAR, None)
            with contextlib.redirect_stdout(io.StringIO()) as out:
                message, failed = bootstrap.run_inside_venv(["suite.py", "test"])
        self.assertFalse(failed)
        self.assertEqual(out.getvalue(), "")  # nothing printed before the one line the caller prints
        self.assertNotIn("\n", message)
        self.assertIn("Docker", message)
        self.assertIn("ODOO_SRC=", message)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, ".local", "venv")))

    def test_bad_odoo_src_is_named(self):
        with mock.patch.dict(os.environ, {"ODOO_SRC": os.path.join(self.tmp, "nope")}):
            os.environ.pop(bootstrap.GUARD_VAR, None)
            message, failed = bootstrap.run_inside_venv(["suite.py", "demo"])
        self.assertFalse(failed)
        self.assertIn("does not exist", message)

    def test_no_loop_when_the_environment_still_lacks_odoo(self):
        with mock.patch.dict(os.environ, {bootstrap.GUARD_VAR: "1"}):
            message, failed = bootstrap.run_inside_venv(["suite.py", "test"])
        self.assertTrue(failed)
        self.assertIn("delete .local/venv", message)


if __name__ == "__main__":
    unittest.main()
