#!/usr/bin/env python3
"""Set up Odoo 18.0 in a project-local virtual environment when ``python3`` cannot import it.

``scripts/test``, ``scripts/demo`` and ``python3 scripts/suite.py i18n`` call this when ``import odoo``
fails, then carry on inside the environment; ``.ci/run`` calls it before the tests. It builds
``.local/venv`` (ignored by git) in these steps, each shown with the time it took:

1. Odoo's source: ``ODOO_SRC`` when set (a local checkout or source tree, an archive such as
   ``odoo_18.0.latest.tar.gz``, a wheel, or a git URL), else a shallow clone of the ``18.0`` branch of
   https://github.com/odoo/odoo into ``.local/odoo``;
2. a virtual environment (``python -m venv``) with Python 3.10 to 3.12, which Odoo 18 supports;
3. Odoo's requirements made installable without system headers: ``psycopg2-binary`` for ``psycopg2``,
   no ``python-ldap`` unless ``ODOO_LDAP=1``, binary wheels preferred, and a pin whose source build fails
   (or that has no release for this Python) replaced by the wheel of the nearest newer version (Odoo's own
   pin for another Python first);
4. Odoo itself, editable in *compat* mode (the OCA addons install into ``site-packages/odoo/addons``, and
   the default editable finder would lose ``import odoo`` to that namespace directory);
5. this project's ``requirements.txt`` and ``requirements-dev.txt``;
6. a check that the environment imports Odoo 18.0, then a marker (``.local/venv/crm-suite/marker.json``)
   with the source's revision and the hashes of the requirements: a later run with the same marker reuses
   the environment at once, a changed project requirement reinstalls those, a changed Odoo source or
   requirement refreshes Odoo, another Python rebuilds the environment.

Without an importable Odoo and without a reachable source it says so in one line with the two ways out.
Run alone to set up or refresh the environment without running anything else:

    python3 scripts/bootstrap.py            # exit 0: ready; 2: no Odoo source reachable; 1: set-up failed
    python3 scripts/bootstrap.py --update   # fetch the newest 18.0 into .local/odoo (a clone made here)
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCAL = os.path.join(ROOT, ".local")
VENV = os.path.join(LOCAL, "venv")
STATE_DIR = os.path.join(VENV, "crm-suite")
MARKER = os.path.join(STATE_DIR, "marker.json")
CLONE_DIR = os.path.join(LOCAL, "odoo")
EXTRACT_DIR = os.path.join(LOCAL, "odoo-src")
LOG = os.path.join(LOCAL, "logs", "bootstrap.log")
ODOO_GIT_URL = "https://github.com/odoo/odoo"
ODOO_BRANCH = "18.0"
ODOO_SERIES = (18, 0)
SUPPORTED_PYTHONS = ((3, 10), (3, 11), (3, 12))
PROJECT_REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
GUARD_VAR = "CRM_SUITE_IN_VENV"
FORMAT = 2  # bump when what the environment gets installed changes, so existing ones are rebuilt
MAX_PIP_ROUNDS = 10
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tar", ".zip")
WAYS_OUT = (
    "use Docker (`docker compose up -d`, tests: `docker compose run --rm tests`) or point ODOO_SRC= at "
    "a local Odoo 18.0 checkout, archive or wheel (e.g. `ODOO_SRC=~/src/odoo scripts/test`)"
)


class NoSource(Exception):
    """No Odoo source can be reached: the caller goes on without Odoo."""


class SetupFailed(Exception):
    """The environment could not be set up although a source was there."""


def say(msg=""):
    print(msg, flush=True)


def duration(seconds):
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"


def sha256_text(text):
    return hashlib.sha256(text.encode()).hexdigest()


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- requirements (network-free)

REQ_RE = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?P<extras>\[[^\]]*\])?\s*(?P<spec>[<>=!~][^;]*?)?\s*"
    r"(?:;\s*(?P<marker>.*?))?\s*$"
)
ATOM_RE = re.compile(
    r"""^\s*(?P<lhs>[a-z_]+|'[^']*'|"[^"]*")\s*(?P<op>===|==|!=|<=|>=|~=|<|>|not\s+in|in)\s*"""
    r"""(?P<rhs>[a-z_]+|'[^']*'|"[^"]*")\s*$"""
)
VERSION_VARS = {"python_version", "python_full_version", "implementation_version"}


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def version_key(version):
    return tuple(int(n) for n in re.findall(r"\d+", version))


class Req:
    """One requirement line: name, extras, version spec and environment marker (comments dropped)."""

    def __init__(self, name, spec="", marker=None, extras=""):
        self.name, self.spec, self.marker, self.extras = name, spec.replace(" ", ""), marker, extras or ""

    @property
    def key(self):
        return normalize(self.name)

    @property
    def pin(self):
        """The version of an ``==`` pin, else None."""
        match = re.fullmatch(r"==([^,*]+)", self.spec)
        return match[1] if match else None

    def line(self):
        return f"{self.name}{self.extras}{self.spec}" + (f" ; {self.marker}" if self.marker else "")

    def __repr__(self):
        return f"Req({self.line()!r})"


def parse_requirements(text):
    """Requirement lines of a requirements.txt (options, blank lines and comments are left out)."""
    reqs = []
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line or line.startswith("-"):
            continue
        match = REQ_RE.match(line)
        if match:
            reqs.append(Req(match["name"], match["spec"] or "", match["marker"] or None, match["extras"]))
    return reqs


def requires_dist(metadata):
    """The Requires-Dist entries of a wheel's METADATA, as requirements.txt text."""
    return "\n".join(
        line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")
    )


def _marker_value(token, env):
    if token[0] in "'\"":
        return token[1:-1]
    return env.get(token)


def _compare(lhs, op, rhs, as_version):
    op = " ".join(op.split())
    if op in ("in", "not in"):
        return (lhs in rhs) == (op == "in")
    if as_version:
        lhs, rhs = version_key(lhs), version_key(rhs)
    if op in ("==", "==="):
        return lhs == rhs
    if op == "!=":
        return lhs != rhs
    if not as_version:
        return None
    if op == "~=":
        return lhs >= rhs and lhs[: len(rhs) - 1] == rhs[: len(rhs) - 1]
    return {"<": lhs < rhs, "<=": lhs <= rhs, ">": lhs > rhs, ">=": lhs >= rhs}[op]


def evaluate_marker(marker, env):
    """True or False for the markers requirements files use (``and``/``or`` of comparisons, no
    parentheses); None when the marker goes beyond that, and pip is left to decide."""
    if "(" in marker or ")" in marker:
        return None
    result = False
    for disjunct in re.split(r"\s+or\s+", marker.strip()):
        conjunction = True
        for atom in re.split(r"\s+and\s+", disjunct):
            match = ATOM_RE.match(atom)
            if not match:
                return None
            lhs, rhs = _marker_value(match["lhs"], env), _marker_value(match["rhs"], env)
            if lhs is None or rhs is None:
                return None
            as_version = bool({match["lhs"], match["rhs"]} & VERSION_VARS)
            outcome = _compare(lhs, match["op"], rhs, as_version)
            if outcome is None:
                return None
            conjunction = conjunction and outcome
        result = result or conjunction
    return result


def marker_environment(python):
    """The marker variables of an interpreter (the virtual environment's), with no extra asked for."""
    code = (
        "import json, os, platform, sys\n"
        "print(json.dumps({'python_version': '%d.%d' % sys.version_info[:2],"
        " 'python_full_version': platform.python_version(), 'sys_platform': sys.platform,"
        " 'platform_system': platform.system(), 'platform_machine': platform.machine(),"
        " 'os_name': os.name, 'implementation_name': sys.implementation.name,"
        " 'platform_python_implementation': platform.python_implementation()}))"
    )
    env = json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout)
    env["extra"] = ""
    return env


def rewrite_odoo_requirements(text, env, ldap=False):
    """Odoo's requirements as they install on a machine without build headers.

    Returns ``(applicable, alternatives, notes)``: the requirements whose markers hold for ``env``
    (markers dropped once evaluated), every requirement line after the renames (the pins Odoo uses on
    other Pythons, the fallbacks of ``next_spec``), and one note per change made.
    """
    every, applicable, notes = [], [], []
    for req in parse_requirements(text):
        if req.key == "psycopg2":
            req.name = "psycopg2-binary"
            note = "psycopg2 -> psycopg2-binary (a wheel with libpq inside: no PostgreSQL headers needed)"
            if note not in notes:
                notes.append(note)
        every.append(req)
        holds = True if req.marker is None else evaluate_marker(req.marker, env)
        if holds is False:
            continue
        if req.key == "python-ldap" and not ldap:
            note = "python-ldap left out (LDAP logins; ODOO_LDAP=1 asks for it, which needs OpenLDAP headers)"
            if note not in notes:
                notes.append(note)
            continue
        if holds:
            req.marker = None
        applicable.append(req)
    if ldap and not any(r.key == "python-ldap" for r in applicable):
        applicable.append(Req("python-ldap"))
    return applicable, every, notes


def rewrite_installed_metadata(metadata):
    """The installed odoo distribution's METADATA with ``psycopg2`` required as ``psycopg2-binary``,
    what this environment installs in its place."""
    return re.sub(
        r"^(Requires-Dist:\s*)psycopg2(?=\s*(?:[<>=!~;(\[]|$))",
        r"\1psycopg2-binary",
        metadata,
        flags=re.MULTILINE,
    )


def candidate_specs(req, alternatives):
    """Specs to try, in order, once ``req`` failed to install: Odoo's own newer pins of the package (the
    versions it uses on newer Pythons), then the newest release of the same major version, then any."""
    pin = req.pin
    if pin is None:
        return [req.spec] + ([""] if req.spec else [])  # same spec as a wheel, then any wheel
    newer = sorted(
        {r.pin for r in alternatives if r.key == req.key and r.pin and version_key(r.pin) > version_key(pin)},
        key=version_key,
    )
    major = version_key(pin)[0] if version_key(pin) else None
    same_major = [f">={pin},<{major + 1}"] if major is not None else []
    return [f"=={v}" for v in newer] + same_major + [""]


FAILED_NAME_PATTERNS = [
    re.compile(r"No matching distribution found for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Failed building wheel for ([A-Za-z0-9][A-Za-z0-9._-]*)"),
    re.compile(r"Could not build wheels for (.+?), which is required"),
    re.compile(r"Failed to build installable wheels for some pyproject\.toml based projects \((.+)\)"),
    re.compile(r"^Failed to build ([A-Za-z0-9][A-Za-z0-9._ ,-]*)$", re.MULTILINE),
]
COLLECTING_RE = re.compile(
    r"^(?:Collecting ([A-Za-z0-9][A-Za-z0-9._-]*)|"
    r"Processing \S*?([A-Za-z0-9][A-Za-z0-9_.]*?)-\d[^/\s]*\.(?:tar\.gz|tar\.bz2|zip)\b)",
    re.MULTILINE,
)
SUBPROCESS_FAILED_RE = re.compile(
    r"(Getting requirements to build wheel|Preparing metadata \(pyproject\.toml\)|"
    r"python setup\.py egg_info|Preparing editable metadata \(pyproject\.toml\)) did not run successfully"
)


def failed_packages(pip_output):
    """Normalised names of the packages pip could not find or build, from its output."""
    names = []
    for pattern in FAILED_NAME_PATTERNS:
        for match in pattern.finditer(pip_output):
            for name in re.split(r"[\s,]+", match[1].strip()):
                if name and normalize(name) not in names:
                    names.append(normalize(name))
    if not names and SUBPROCESS_FAILED_RE.search(pip_output):
        # pip stops at the first package whose metadata cannot be built: the last one it was collecting
        collecting = COLLECTING_RE.findall(pip_output[: SUBPROCESS_FAILED_RE.search(pip_output).start()])
        if collecting:
            names.append(normalize(collecting[-1][0] or collecting[-1][1]))
    return names


# --------------------------------------------------------------------------- marker (network-free)


def read_marker(path=None):
    try:
        with open(path or MARKER, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def write_marker(data, path=None):
    path = path or MARKER
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
    os.replace(path + ".tmp", path)


def decide(saved, wanted):
    """What to do with an existing environment: ``build`` it anew, refresh ``odoo`` (its requirements,
    the editable install, then the project's), refresh the ``project`` requirements only, or ``reuse``."""
    if not saved or any(saved.get(k) != wanted[k] for k in ("format", "python")):
        return "build"
    if any(saved.get(k) != wanted[k] for k in ("source", "ldap", "odoo_requirements")):
        return "odoo"
    if saved.get("project_requirements") != wanted["project_requirements"]:
        return "project"
    return "reuse"


def project_requirement_hashes(root=None):
    root = root or ROOT
    hashes = {}
    for name in PROJECT_REQUIREMENTS:
        path = os.path.join(root, name)
        hashes[name] = sha256_file(path) if os.path.isfile(path) else None
    return hashes


# --------------------------------------------------------------------------- the Odoo source


class Source:
    """Where Odoo comes from: ``git`` (a clone made into .local/odoo from a URL), ``dir`` (a local
    checkout or source tree, installed editable in place), ``archive`` (extracted into .local/odoo-src,
    installed editable from there) or ``wheel``."""

    def __init__(self, kind, location):
        self.kind, self.location = kind, location

    def describe(self):
        return {
            "git": f"shallow clone of the {ODOO_BRANCH} branch of {self.location} in .local/odoo",
            "dir": f"the local source tree {self.location}",
            "archive": f"the archive {self.location}",
            "wheel": f"the wheel {self.location}",
        }[self.kind]

    def as_dict(self):
        return {"kind": self.kind, "location": self.location}


def source_from(value, saved=None):
    """The Source named by ODOO_SRC's ``value``; without one the marker's source, else Odoo's repository."""
    if value:
        if re.match(r"^(\w+://|git@)", value) and not os.path.exists(value):
            return Source("git", value)
        path = os.path.abspath(os.path.expanduser(value))
        if os.path.isdir(path):
            return Source("dir", path)
        if not os.path.exists(path):
            raise NoSource(f"ODOO_SRC={value} does not exist")
        if path.endswith(".whl"):
            return Source("wheel", path)
        if path.lower().endswith(ARCHIVE_SUFFIXES):
            return Source("archive", path)
        raise NoSource(
            f"ODOO_SRC={value} is neither a directory, an archive (.tar.gz, .zip, ...) nor a wheel"
        )
    if saved and saved.get("source"):
        kind, location = saved["source"].get("kind"), saved["source"].get("location")
        if kind == "git" or (location and os.path.exists(location)):
            return Source(kind, location)
    return Source("git", ODOO_GIT_URL)


def odoo_series(src_root):
    """(major, minor) from odoo/release.py of a source tree, or None when it is not one."""
    try:
        with open(os.path.join(src_root, "odoo", "release.py"), encoding="utf-8") as fh:
            match = re.search(r"^version_info\s*=\s*\(\s*(\d+)\s*,\s*(\d+)", fh.read(), re.MULTILINE)
    except OSError:
        return None
    return (int(match[1]), int(match[2])) if match else None


def find_source_root(path):
    """The directory holding setup.py and odoo/release.py: ``path`` itself or one level below."""
    candidates = [path] + sorted(
        os.path.join(path, d) for d in os.listdir(path) if os.path.isdir(os.path.join(path, d))
    )
    for candidate in candidates:
        if os.path.isfile(os.path.join(candidate, "setup.py")) and odoo_series(candidate):
            return candidate
    return None


def git(*args, cwd=None, timeout=None):
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


def git_head(path):
    """The commit checked out at ``path`` when ``path`` is the top of a git work tree, else None."""
    if not shutil.which("git") or not os.path.exists(os.path.join(path, ".git")):
        return None
    proc = git("rev-parse", "HEAD", cwd=path)
    return proc.stdout.strip() if proc.returncode == 0 else None


def tree_revision(src_root):
    """A revision for a source tree: its git commit, else its release version and requirements' hash."""
    head = git_head(src_root)
    if head:
        return f"git:{head}"
    version = None
    with contextlib.suppress(OSError):
        with open(os.path.join(src_root, "PKG-INFO"), encoding="utf-8") as fh:
            version = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("Version:")), None)
    version = version or ".".join(map(str, odoo_series(src_root) or ()))
    requirements = os.path.join(src_root, "requirements.txt")
    digest = sha256_file(requirements)[:16] if os.path.isfile(requirements) else "none"
    return f"tree:{version}:{digest}"


def file_stamp(path):
    stat = os.stat(path)
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def source_revision(source, saved=None):
    """The source's revision without touching the network (None: a clone still to be made). An archive's
    or wheel's hash is taken from the marker ``saved`` while the file's size and time are unchanged."""
    if source.kind == "git":
        head = git_head(CLONE_DIR)
        return f"git:{head}" if head else None
    if source.kind == "dir":
        return tree_revision(find_source_root(source.location) or source.location)
    saved = saved or {}
    if saved.get("source", {}).get("location") == source.location and saved.get("source_stamp") == file_stamp(
        source.location
    ):
        return saved["source"].get("revision")
    return f"sha256:{sha256_file(source.location)}"


def clone_error(proc_or_exc):
    if isinstance(proc_or_exc, Exception):
        return str(proc_or_exc)
    lines = [ln.strip() for ln in (proc_or_exc.stderr or "").splitlines() if ln.strip()]
    line = (lines[-1] if lines else f"git exited with {proc_or_exc.returncode}").removeprefix("fatal: ")
    return re.sub(r"^unable to access '[^']*': ", "", line)


def probe_repository(url):
    """Fail fast (NoSource) when the repository or its branch cannot be reached."""
    if not shutil.which("git"):
        raise NoSource(f"git is not installed to clone {url}")
    try:
        proc = git("ls-remote", "--exit-code", "--heads", url, ODOO_BRANCH, timeout=30)
    except subprocess.TimeoutExpired:
        raise NoSource(f"{url} did not answer within 30 s") from None
    if proc.returncode:
        raise NoSource(f"the {ODOO_BRANCH} branch of {url} is out of reach ({clone_error(proc)})")


def clone_or_update(url, update):
    if os.path.isdir(os.path.join(CLONE_DIR, ".git")):
        if update:
            proc = git("fetch", "--depth", "1", "origin", ODOO_BRANCH, cwd=CLONE_DIR)
            if proc.returncode:
                raise SetupFailed(f"git fetch in .local/odoo failed: {clone_error(proc)}")
            git("reset", "--hard", "FETCH_HEAD", cwd=CLONE_DIR)
        return CLONE_DIR
    partial = CLONE_DIR + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(LOCAL, exist_ok=True)
    proc = git("clone", "--depth", "1", "--single-branch", "--branch", ODOO_BRANCH, url, partial)
    if proc.returncode:
        shutil.rmtree(partial, ignore_errors=True)
        raise NoSource(f"git clone of {url} failed: {clone_error(proc)}")
    os.replace(partial, CLONE_DIR)
    return CLONE_DIR


def extract_archive(archive, target):
    """Unpack ``archive`` into ``target`` (emptied first); returns the Odoo source root inside."""
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    if archive.lower().endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(target)
    else:
        with tarfile.open(archive) as tf:
            if hasattr(tarfile, "data_filter"):
                tf.extractall(target, filter="data")
            else:  # Python without extraction filters (before 3.10.12 / 3.11.4)
                tf.extractall(target)
    root = find_source_root(target)
    if not root:
        raise SetupFailed(f"{archive} holds no Odoo source tree (setup.py and odoo/release.py)")
    return root


# --------------------------------------------------------------------------- running pip


class Log:
    """The bootstrap's log in .local/logs; pip's full output goes there, the console gets the steps."""

    def __init__(self, path=None):
        path = path or LOG
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.path = path
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n===== {datetime.datetime.now().isoformat(timespec='seconds')} bootstrap\n")

    def run(self, cmd, heartbeat=60):
        """Run ``cmd`` with its output appended to the log; returns (exit code, output)."""
        lines, started, last_beat, collected = [], time.time(), time.time(), 0
        with open(self.path, "a", encoding="utf-8") as log:
            log.write("$ " + " ".join(cmd) + "\n")
            log.flush()
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                cwd=ROOT,
            )
            for line in proc.stdout:
                log.write(line)
                lines.append(line)
                if line.startswith(("Collecting ", "Processing ")):
                    collected += 1
                if time.time() - last_beat >= heartbeat:
                    last_beat = time.time()
                    say(f"      ... {duration(last_beat - started)} so far ({collected} packages seen)")
            proc.wait()
        return proc.returncode, "".join(lines)

    def tail(self, output, count=25):
        kept = [ln for ln in output.rstrip().splitlines() if not ln.startswith("WARNING: Location")]
        return "\n".join("      | " + ln for ln in kept[-count:])


def pip_command(python, *args):
    return [python, "-m", "pip", "--disable-pip-version-check", "install", "--prefer-binary", *args]


def install_with_fallbacks(python, log, applicable, alternatives, requirements_file, extra_args=()):
    """``pip install`` the ``applicable`` requirements (written to ``requirements_file``) and
    ``extra_args``; whenever a package cannot be found or built, switch it to the binary wheel of its next
    candidate spec (``candidate_specs``) and try again. Returns {package: spec} for the changes made."""
    by_key = {req.key: req for req in applicable}
    original = {req.key: Req(req.name, req.spec, req.marker, req.extras) for req in applicable}
    tried = {}  # package -> {(spec, binary only)} that failed or are being tried
    binary_only = set()
    changes = {}
    output = ""
    for _round in range(MAX_PIP_ROUNDS):
        args = list(extra_args)
        if applicable:
            with open(requirements_file, "w", encoding="utf-8") as fh:
                fh.write("".join(req.line() + "\n" for req in applicable))
            args = ["-r", requirements_file, *args]
        if binary_only:
            args.insert(0, f"--only-binary={','.join(sorted(binary_only))}")
        rc, output = log.run(pip_command(python, *args))
        if rc == 0:
            return changes
        progressed = False
        for name in failed_packages(output):
            req = by_key.get(name)
            if req is None:  # not one of ours (a dependency, or a project requirement): take its wheel
                if name not in binary_only:
                    binary_only.add(name)
                    say(f"      - {name} could not be installed from source here: taking its binary wheel")
                    progressed = True
                continue
            history = tried.setdefault(name, {(req.spec, name in binary_only)})
            spec = next(
                (c for c in candidate_specs(original[name], alternatives) if (c, True) not in history), None
            )
            if spec is None:
                continue
            history.add((spec, True))
            say(
                f"      - {req.line()}: no wheel for this Python, and no release or source build that "
                f"installs here; trying the binary wheel of {req.name}{spec or ' (newest release)'}"
            )
            req.spec = spec
            binary_only.add(name)
            changes[req.name] = spec
            progressed = True
        if not progressed:
            break
    raise SetupFailed(
        f"pip could not install them:\n{log.tail(output)}\n      full log: {os.path.relpath(log.path, ROOT)}"
    )


# --------------------------------------------------------------------------- the environment


def python_version_of(python):
    proc = subprocess.run(
        [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], capture_output=True, text=True
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def version_text(info, parts=3):
    return ".".join(str(n) for n in info[:parts])


def base_python():
    """(path, version) of the interpreter for the environment: this one when Odoo 18 supports it, else
    the newest python3.12/3.11/3.10 on PATH."""
    if tuple(sys.version_info[:2]) in SUPPORTED_PYTHONS:
        return sys.executable, version_text(sys.version_info)
    for major, minor in reversed(SUPPORTED_PYTHONS):
        found = shutil.which(f"python{major}.{minor}")
        version = found and python_version_of(found)
        if version:
            return found, version
    here = version_text(sys.version_info, 2)
    if sys.version_info[:2] < SUPPORTED_PYTHONS[0]:
        raise SetupFailed(f"Odoo 18 needs Python 3.10 to 3.12; this python3 is {here}, none is on PATH")
    say(f"warning: Odoo 18 supports Python 3.10 to 3.12, none is on PATH; trying this python3 ({here})")
    return sys.executable, version_text(sys.version_info)


def venv_python(venv=None):
    return os.path.join(venv or VENV, "Scripts" if os.name == "nt" else "bin", "python")


def venv_works(venv=None):
    python = venv_python(venv)
    return os.path.isfile(python) and python_version_of(python) is not None


def odoo_version_in(python):
    code = "import odoo.release as r; print('.'.join(map(str, r.version_info[:2])), r.version)"
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        return None, (proc.stderr.strip().splitlines() or ["no output"])[-1]
    series, version = proc.stdout.split()
    return series, version


class Steps:
    def __init__(self, total):
        self.total, self.done, self.started = total, 0, time.time()

    @contextlib.contextmanager
    def step(self, title):
        self.done += 1
        say(f"[{self.done}/{self.total}] {title}")
        started = time.time()
        yield
        say(f"      done in {duration(time.time() - started)}")


def wanted_state(source, python_path, python_version, ldap, saved=None):
    revision = source_revision(source, saved)
    odoo_requirements = None
    if source.kind in ("git", "dir"):
        src = CLONE_DIR if source.kind == "git" else (find_source_root(source.location) or source.location)
        path = os.path.join(src, "requirements.txt")
        odoo_requirements = sha256_file(path) if os.path.isfile(path) else None
    elif source.kind == "wheel" and os.path.isfile(
        os.path.join(os.path.dirname(source.location), "requirements.txt")
    ):
        odoo_requirements = sha256_file(os.path.join(os.path.dirname(source.location), "requirements.txt"))
    else:
        odoo_requirements = revision  # inside the archive (or the wheel's metadata): its hash covers them
    return {
        "format": FORMAT,
        "python": python_version,
        "python_executable": python_path,
        "source": dict(source.as_dict(), revision=revision),
        "ldap": ldap,
        "odoo_requirements": odoo_requirements,
        "project_requirements": project_requirement_hashes(),
    }


def ensure(update=False):
    """Make .local/venv import Odoo 18 (building or refreshing it as the marker says); returns its python.

    Raises NoSource when no Odoo source can be reached, SetupFailed when the set-up itself failed."""
    saved = read_marker()
    source = source_from(os.environ.get("ODOO_SRC"), saved)
    if source.kind == "git" and (update or not os.path.isdir(os.path.join(CLONE_DIR, ".git"))):
        probe_repository(source.location)  # fail fast, before any step is shown
    python_path, python_version = base_python()
    ldap = os.environ.get("ODOO_LDAP", "") not in ("", "0")
    wanted = wanted_state(source, python_path, python_version, ldap, saved)
    if saved and not venv_works():
        saved = None
    action = decide(saved, wanted)
    if update and action in ("reuse", "project"):
        action = "odoo"
    if action == "reuse":
        say(
            f"Odoo {saved.get('odoo_version', '18.0')} from .local/venv (set up {saved.get('built_at', '?')} "
            f"from {source.describe()}): reused, requirements unchanged"
        )
        return venv_python()
    why = {
        "build": "setting up .local/venv",
        "odoo": "refreshing .local/venv (the Odoo source or its requirements changed)",
        "project": "refreshing .local/venv (this project's requirements changed)",
    }[action]
    say(f"Odoo 18 is not importable by {sys.executable}: {why}; log: {os.path.relpath(LOG, ROOT)}")
    log = Log()
    steps = Steps({"build": 6, "odoo": 5, "project": 2}[action])
    started = time.time()
    state = dict(wanted)
    substitutions = (saved or {}).get("substitutions", {}) if action == "project" else {}
    if action in ("build", "odoo"):
        src_root, requirements_text = prepare_source(steps, source, update)
        if source.kind == "git":  # cloned or updated just now
            state["source"] = dict(source.as_dict(), revision=source_revision(source))
            state["odoo_requirements"] = sha256_file(os.path.join(CLONE_DIR, "requirements.txt"))
        if action == "build":
            create_venv(steps, log, python_path, python_version)
        python = venv_python()
        substitutions = install_odoo_requirements(steps, log, python, requirements_text, ldap)
        install_odoo(steps, log, python, source, src_root)
    python = venv_python()
    install_project_requirements(steps, log, python)
    with steps.step("checking that the environment imports Odoo 18.0"):
        series, version = odoo_version_in(python)
        if series != version_text(ODOO_SERIES, 2):
            found = version if series else f"import failed: {version}"
            raise SetupFailed(
                f".local/venv does not import Odoo 18.0 ({found}); see {os.path.relpath(LOG, ROOT)}"
            )
        say(f"      Odoo {version}")
    if source.kind in ("archive", "wheel"):
        state["source_stamp"] = file_stamp(source.location)
    state.update(
        substitutions=substitutions,
        odoo_version=version,
        built_at=datetime.datetime.now().isoformat(timespec="seconds"),
    )
    write_marker(state)
    say(f".local/venv ready in {duration(time.time() - started)}")
    return python


def prepare_source(steps, source, update):
    """The step that makes the source available; returns (source root or None, Odoo's requirements text)."""
    cloning = source.kind == "git" and not os.path.isdir(os.path.join(CLONE_DIR, ".git"))
    with steps.step(
        f"Odoo source: {source.describe()}" + (" (cloning some hundred MB, once)" if cloning else "")
    ):
        if source.kind == "wheel":
            with zipfile.ZipFile(source.location) as zf:
                metadata = next((n for n in zf.namelist() if n.endswith(".dist-info/METADATA")), None)
                if not metadata:
                    raise SetupFailed(f"{source.location} is not a wheel (no METADATA)")
                text = zf.read(metadata).decode()
            version = re.search(r"^Version:\s*(\S+)", text, re.MULTILINE)
            if not version or version_key(version[1])[:2] != ODOO_SERIES:
                raise SetupFailed(f"{source.location} is not an Odoo 18.0 wheel")
            beside = os.path.join(os.path.dirname(source.location), "requirements.txt")
            if os.path.isfile(beside):
                say(f"      Odoo's pinned requirements: {beside}")
                with open(beside, encoding="utf-8") as fh:
                    return None, fh.read()
            say(
                "      warning: a wheel names its requirements without versions, so their newest releases "
                "are installed,\n      which Odoo 18 may not support; Odoo's requirements.txt beside the "
                "wheel is used instead when there is one"
            )
            return None, requires_dist(text)
        if source.kind == "git":
            root = clone_or_update(source.location, update)
        elif source.kind == "archive":
            root = extract_archive(source.location, EXTRACT_DIR)
        else:
            root = find_source_root(source.location)
            if not root:
                raise SetupFailed(f"{source.location} has no Odoo source tree (setup.py, odoo/release.py)")
        series = odoo_series(root)
        if series != ODOO_SERIES:
            found = version_text(series, 2) if series else "no Odoo"
            raise SetupFailed(f"{root} holds {found}; this suite needs Odoo 18.0")
        say(f"      revision {tree_revision(root)}")
        with open(os.path.join(root, "requirements.txt"), encoding="utf-8") as fh:
            return root, fh.read()


def create_venv(steps, log, python_path, python_version):
    with steps.step(f"virtual environment .local/venv (Python {python_version}, {python_path})"):
        shutil.rmtree(VENV, ignore_errors=True)
        rc, output = log.run([python_path, "-m", "venv", VENV])
        if rc:
            hint = ""
            if "ensurepip" in output:
                hint = " (Debian/Ubuntu: apt-get install python3-venv)"
            raise SetupFailed(f"python -m venv failed{hint}:\n{log.tail(output, 8)}")
        python = venv_python()
        # --config-settings (the compat editable mode) needs pip 22.1; older bundled pips are upgraded
        check = "import pip, sys; sys.exit(tuple(map(int, pip.__version__.split('.')[:2])) < (23, 1))"
        rc, output = log.run([python, "-c", check])
        if rc:
            rc, output = log.run(pip_command(python, "pip>=23.1"))
            if rc:
                raise SetupFailed(f"upgrading pip in .local/venv failed:\n{log.tail(output)}")


def install_odoo_requirements(steps, log, python, text, ldap):
    env = marker_environment(python)
    applicable, alternatives, notes = rewrite_odoo_requirements(text, env, ldap)
    with steps.step(f"Odoo's Python requirements ({len(applicable)} packages, binary wheels preferred)"):
        for note in notes:
            say(f"      - {note}")
        os.makedirs(STATE_DIR, exist_ok=True)
        return install_with_fallbacks(
            python, log, applicable, alternatives, os.path.join(STATE_DIR, "odoo-requirements.txt")
        )


def install_odoo(steps, log, python, source, src_root):
    if source.kind == "wheel":
        title = "Odoo 18.0 from the wheel"
        cmd = pip_command(python, "--no-deps", "--force-reinstall", source.location)
    else:
        where = os.path.relpath(src_root, ROOT) if src_root.startswith(ROOT + os.sep) else src_root
        title = f"Odoo 18.0, editable in compat mode from {where}"
        cmd = pip_command(python, "--no-deps", "--config-settings", "editable_mode=compat", "-e", src_root)
    with steps.step(title):
        rc, output = log.run(cmd)
        if rc:
            raise SetupFailed(f"installing Odoo failed:\n{log.tail(output)}")
        # The OCA wheels require the odoo distribution, whose metadata asks for psycopg2: pip would then
        # build psycopg2 from source (libpq headers) beside psycopg2-binary. Say what this environment has.
        code = "import importlib.metadata as m; print(m.distribution('odoo')._path)"
        proc = subprocess.run([python, "-c", code], capture_output=True, text=True, cwd=ROOT)
        metadata = os.path.join(proc.stdout.strip(), "METADATA")
        if proc.returncode or not os.path.isfile(metadata):
            raise SetupFailed(f"the installed odoo distribution has no metadata ({proc.stderr.strip()})")
        with open(metadata, encoding="utf-8") as fh:
            text = fh.read()
        with open(metadata, "w", encoding="utf-8") as fh:
            fh.write(rewrite_installed_metadata(text))


def install_project_requirements(steps, log, python):
    files = [f for f in PROJECT_REQUIREMENTS if os.path.isfile(os.path.join(ROOT, f))]
    with steps.step(f"this project's requirements ({', '.join(files)})"):
        args = [arg for name in files for arg in ("-r", os.path.join(ROOT, name))]
        install_with_fallbacks(python, log, [], [], None, args)


@contextlib.contextmanager
def locked():
    """One set-up at a time per checkout (scripts/demo and scripts/test may start together)."""
    os.makedirs(LOCAL, exist_ok=True)
    with open(os.path.join(LOCAL, "bootstrap.lock"), "w") as fh:
        try:
            import fcntl
        except ImportError:  # no flock: run unguarded
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def no_odoo_line(reason):
    return f"No Odoo 18: python3 cannot import it, and {reason}; {WAYS_OUT}."


def run_inside_venv(argv):
    """Re-execute this command (``argv``) with .local/venv's python once it imports Odoo 18.

    Does not return when that works. Otherwise returns ``(message, failed)``, the message to print:
    ``failed`` is False when no Odoo source is reachable (the Odoo-free checks can still run), True when
    setting up the environment went wrong."""
    if os.environ.get(GUARD_VAR):
        return ".local/venv was set up but cannot import Odoo 18 (delete .local/venv to rebuild it)", True
    try:
        with locked():
            python = ensure()
    except NoSource as exc:
        return no_odoo_line(str(exc)), False
    except SetupFailed as exc:
        return f"Setting up Odoo 18 in .local/venv failed: {exc}", True
    env = dict(os.environ, VIRTUAL_ENV=VENV)
    env[GUARD_VAR] = "1"
    env["PATH"] = os.path.dirname(python) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONHOME", None)
    os.execve(python, [python, os.path.abspath(argv[0]), *argv[1:]], env)
    return None  # not reached


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--update", action="store_true", help="fetch the newest 18.0 into .local/odoo (a clone made here)"
    )
    args = parser.parse_args()
    try:
        with locked():
            python = ensure(update=args.update)
    except NoSource as exc:
        say(no_odoo_line(str(exc)))
        return 2
    except SetupFailed as exc:
        say(f"Setting up Odoo 18 in .local/venv failed: {exc}")
        return 1
    say(python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
