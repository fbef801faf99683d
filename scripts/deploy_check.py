"""Static checks of the Docker files and of requirements.txt, without a Docker engine.

- ``docker-compose.yml`` is YAML, each ``build.target`` is a stage of the Dockerfile, each ``depends_on``
  a service;
- each ``COPY`` source of the Dockerfile exists and is not excluded by ``.dockerignore``;
- the Odoo configuration the Dockerfile puts at ``/etc/odoo/odoo.conf`` lists the directory the addons are
  copied to in its ``addons_path``, and sets no ``db_*`` option (which would silently override the
  ``HOST``/``USER``/``PASSWORD`` variables of the compose file);
- the Dockerfile installs requirements.txt with ``--no-deps`` (the image's Odoo is a Debian package that
  pip must leave alone), so every OCA addon wheel that a listed one requires is listed too; read from the
  installed wheels' metadata when they are installed here.
"""

import configparser
import fnmatch
import os
import re
import shlex

REQ_NAME_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name):
    """PEP 503 name: ``odoo-addon-partner_contact_x`` and ``odoo-addon-partner-contact-x`` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(path):
    names = set()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.split("#", 1)[0].strip()
            match = REQ_NAME_RE.match(line)
            if match and not line.startswith("-"):
                names.add(normalize(match.group(1)))
    return names


def dockerfile_instructions(path):
    """(instruction, arguments) pairs of a Dockerfile, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not current and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.rstrip().endswith("\\"):
                current += line.rstrip()[:-1] + " "
                continue
            current += line
            keyword, _sep, rest = current.strip().partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
            current = ""
    return instructions


def dockerignored(root, rel):
    """Whether ``rel`` (or a directory above it) matches a pattern of ``.dockerignore`` (no ``!`` rules)."""
    path = os.path.join(root, ".dockerignore")
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8") as fh:
        patterns = [p.strip().lstrip("/") for p in fh if p.strip() and not p.startswith("#")]
    parts = os.path.normpath(rel).split(os.sep)
    prefixes = [os.path.join(*parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        for prefix in prefixes:
            if fnmatch.fnmatch(prefix, pattern) or (
                pattern.startswith("**/") and fnmatch.fnmatch(os.path.basename(prefix), pattern[3:])
            ):
                return True
    return False


def dockerfile_problems(root, dockerfile="Dockerfile"):
    """Returns (stages, copies, problems): stage names, [(source, destination)], messages."""
    stages, copies, problems = set(), [], []
    for keyword, args in dockerfile_instructions(os.path.join(root, dockerfile)):
        if keyword == "FROM":
            words = args.split()
            if len(words) == 3 and words[1].upper() == "AS":
                stages.add(words[2])
        elif keyword == "COPY":
            words = [w for w in shlex.split(args) if not w.startswith("--")]
            if len(words) < 2:
                problems.append(f"Dockerfile: COPY {args!r} has no destination")
                continue
            for src in words[:-1]:
                copies.append((src, words[-1]))
                if src == ".":
                    continue
                if not os.path.exists(os.path.join(root, src)):
                    problems.append(f"Dockerfile: COPY source {src} does not exist")
                elif dockerignored(root, src):
                    problems.append(f"Dockerfile: COPY source {src} is excluded by .dockerignore")
        elif keyword == "RUN" and re.search(r"\bpip3? install\b.*-r \S*requirements\.txt", args):
            if "--no-deps" not in args:
                problems.append("Dockerfile: requirements.txt is expected to be installed with --no-deps")
    return stages, copies, problems


def image_conf_problems(root, copies):
    """The configuration copied to /etc/odoo/odoo.conf holds the addons directory and no db_* option."""
    problems = []
    conf_src = next((src for src, dest in copies if dest == "/etc/odoo/odoo.conf"), None)
    addons_dest = next((dest for src, dest in copies if src.rstrip("/") == "addons"), None)
    if not conf_src:
        return ["Dockerfile: no configuration is copied to /etc/odoo/odoo.conf (the image's ODOO_RC)"]
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(os.path.join(root, conf_src), encoding="utf-8")
    options = parser["options"] if parser.has_section("options") else {}
    paths = [p.strip().rstrip("/") for p in options.get("addons_path", "").split(",") if p.strip()]
    if addons_dest and addons_dest.rstrip("/") not in paths:
        problems.append(
            f"{conf_src}: addons_path does not list {addons_dest}, where the Dockerfile copies addons/"
        )
    if options.get("data_dir", "").rstrip("/") != "/var/lib/odoo":
        problems.append(f"{conf_src}: data_dir must be /var/lib/odoo, the image's volume")
    for key in ("db_host", "db_port", "db_user", "db_password"):
        if key in options:
            problems.append(f"{conf_src}: {key} overrides the compose file's HOST/PORT/USER/PASSWORD")
    return problems


def compose_problems(root, stages, compose="docker-compose.yml"):
    import yaml

    problems = []
    try:
        with open(os.path.join(root, compose), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, yaml.YAMLError) as exc:
        return [f"{compose}: {exc}"]
    services = (data or {}).get("services") or {}
    if not services:
        return [f"{compose}: no services"]
    for name, service in services.items():
        build = service.get("build")
        target = build.get("target") if isinstance(build, dict) else None
        if target and target not in stages:
            problems.append(f"{compose}: service {name} builds target {target!r}, not a Dockerfile stage")
        for dep in service.get("depends_on") or []:
            if dep not in services:
                problems.append(f"{compose}: service {name} depends on {dep}, which is not a service")
    return problems


def requirements_problems(root, requires=None):
    """With --no-deps, every OCA addon wheel a listed one requires must be listed (installed metadata,
    or ``requires(name)`` raising ``importlib.metadata.PackageNotFoundError`` for a package not installed)."""
    from importlib import metadata

    requires = requires or metadata.requires
    listed = requirement_names(os.path.join(root, "requirements.txt"))
    problems, unread = [], []
    for name in sorted(n for n in listed if n.startswith("odoo-addon-")):
        try:
            needs = requires(name) or []
        except metadata.PackageNotFoundError:
            unread.append(name)
            continue
        for req in needs:
            match = REQ_NAME_RE.match(req)
            dep = normalize(match.group(1)) if match else ""
            if dep.startswith("odoo-addon-") and dep not in listed:
                problems.append(
                    f"requirements.txt: {name} requires {dep}, which is not listed "
                    "(the Dockerfile installs with --no-deps)"
                )
    return problems, unread


def check(root):
    """All problems, and a note on what could not be checked here."""
    stages, copies, problems = dockerfile_problems(root)
    problems += image_conf_problems(root, copies)
    problems += compose_problems(root, stages)
    req_problems, unread = requirements_problems(root)
    problems += req_problems
    note = f"({len(unread)} OCA wheels not installed here: their dependencies not read)" if unread else ""
    return problems, note
