#!/usr/bin/env python3
"""Consistent backup of an Odoo database with its filestore, in Odoo's own dump format, and its restore.

The file is the zip that Odoo's database manager (``/web/database/manager``, *Backup* / *Restore*) and
``odoo-bin db load`` read: ``dump.sql`` (plain ``pg_dump --no-owner``), ``manifest.json`` (Odoo's
``dump_db_manifest``: versions and installed modules) and ``filestore/`` (the attachments' files).

Unlike Odoo's own ``dump_db``, which copies the filestore first and runs ``pg_dump`` afterwards (a file
created in between is referenced by the dump but missing from the zip), the database and the files come
from one moment while Odoo keeps running:

1. one transaction takes ``LOCK ir_attachment IN SHARE UPDATE EXCLUSIVE MODE``: Odoo's filestore garbage
   collector needs ``SHARE`` on that table before it deletes any file, so no file is deleted until the
   backup ends, while users keep creating, changing and deleting attachments (row locks do not conflict);
2. then, in REPEATABLE READ, it exports its snapshot, and ``pg_dump --snapshot`` dumps exactly that state;
3. the files copied are those the rows of that snapshot reference (``ir_attachment.store_fname``): all of
   them exist, since a file is written before its row is committed and only the collector deletes files.

Odoo options as for ``odoo-bin`` (``-c``, ``--db_host``, ``--db_port``, ``--db_user``, ``--db_password``,
``-D``/``--data-dir``, ``--addons-path``), then one command:

    backup.py [options] dump DB FILE.zip                # consistent backup while Odoo runs
    backup.py [options] restore [--copy] [--force] DB FILE.zip
    backup.py [options] check DB                        # dump DB, restore it as a copy, compare both

``restore`` is Odoo's own ``restore_db`` (what the database manager runs): without ``--copy`` the database
keeps its ``database.uuid`` (a moved database, e.g. after a disaster), with ``--copy`` it gets a new one
(a copy beside the original). ``--force`` drops an existing database of that name first.
Without Odoo options from this repository, use ``python3 scripts/suite.py backup|restore`` (README).
"""

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

LOCK_TIMEOUT = "5min"  # a manual VACUUM of ir_attachment or a long collector run makes the backup wait
# tables compared row by row (not only counted) by ``check``
CONTENT_TABLES = ("res_partner", "crm_lead", "account_move_line", "crm_phonecall", "crm_sales_plan_line")


def say(msg=""):
    print(msg, file=sys.stderr, flush=True)


def configure(odoo_args):
    """Odoo's configuration from odoo-bin's options (database server, data dir, addons path)."""
    import odoo
    from odoo.tools import config

    config.parse_config(odoo_args, setup_logging=False)
    config["list_db"] = True  # the database manager's functions check it, like `odoo-bin db`
    return odoo


def _connect(odoo, db):
    import psycopg2

    _db, info = odoo.sql_db.connection_info_for(db)
    info = dict(info, application_name="crm-suite-backup")
    return psycopg2.connect(**info)


def manifest(odoo, cr, db):
    """Odoo's ``dump_db_manifest`` (odoo/service/db.py), read in the backup's snapshot."""
    version = cr.connection.server_version
    cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")
    return {
        "odoo_dump": "1",
        "db_name": db,
        "version": odoo.release.version,
        "version_info": list(odoo.release.version_info),
        "major_version": odoo.release.major_version,
        "pg_version": "{:d}.{:d}".format(*divmod(int(version / 100), 100)),
        "modules": dict(cr.fetchall()),
    }


def dump(odoo, db, path):
    """Write the backup of ``db`` to ``path`` (through ``path.part``, renamed once complete)."""
    from odoo.tools.misc import exec_pg_environ, find_pg_tool

    started = time.time()
    filestore = odoo.tools.config.filestore(db)
    part = path + ".part"
    conn = _connect(odoo, db)
    try:
        import psycopg2.extensions

        conn.set_session(isolation_level=psycopg2.extensions.ISOLATION_LEVEL_REPEATABLE_READ)
        with conn.cursor() as cr:
            cr.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            # before any SELECT: the snapshot is taken by the first query after the lock (see above)
            cr.execute("LOCK TABLE ir_attachment IN SHARE UPDATE EXCLUSIVE MODE")
            cr.execute("SELECT pg_export_snapshot()")
            snapshot = cr.fetchone()[0]
            cr.execute("SELECT DISTINCT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
            names = sorted(row[0] for row in cr.fetchall())
            meta = manifest(odoo, cr, db)
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            cmd = [find_pg_tool("pg_dump"), "--no-owner", f"--snapshot={snapshot}", db]
            info = zipfile.ZipInfo("dump.sql", date_time=time.localtime()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as member:
                proc = subprocess.Popen(cmd, env=exec_pg_environ(), stdout=subprocess.PIPE)
                shutil.copyfileobj(proc.stdout, member, 1 << 20)
                if proc.wait():
                    raise RuntimeError(f"pg_dump failed (exit {proc.returncode})")
            zf.writestr("manifest.json", json.dumps(meta, indent=4))
            missing, size = [], 0
            for name in names:
                source = os.path.join(filestore, name)
                if not os.path.isfile(source):
                    missing.append(name)
                    continue
                zf.write(source, f"filestore/{name}", compress_type=zipfile.ZIP_STORED)
                size += os.path.getsize(source)
        conn.rollback()  # ends the snapshot and releases the lock: the collector may run again
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(part)
        raise
    finally:
        conn.close()
    os.replace(part, path)
    say(
        f"Backup of {db}: {path} ({os.path.getsize(path) / 1e6:.1f} MB; {len(names) - len(missing)} files, "
        f"{size / 1e6:.1f} MB of filestore) in {time.time() - started:.1f} s"
    )
    if missing:
        say(
            f"WARNING: {len(missing)} files referenced by attachments were already missing from the "
            f"filestore {filestore} (first: {missing[0]}); the backup has the database without them"
        )
    return meta, len(missing)


def restore(odoo, db, path, copy=False, force=False):
    """Odoo's own restore (``odoo.service.db.restore_db``), as the database manager runs it."""
    from odoo.service import db as db_service

    if not zipfile.is_zipfile(path):
        sys.exit(f"{path} is not a zip in Odoo's dump format")
    if db_service.exp_db_exist(db):
        if not force:
            sys.exit(f"Database {db} exists: drop it first or pass --force")
        db_service.exp_drop(db)
    started = time.time()
    db_service.restore_db(db, path, copy=copy)
    odoo.sql_db.close_db(db)
    uuid = "a new database.uuid (a copy)" if copy else "the same database.uuid"
    say(f"Restored {path} as {db} with {uuid} in {time.time() - started:.1f} s")


# --------------------------------------------------------------------------- check (scripts/test)


def snapshot_of(odoo, db):
    """What must survive a backup and its restore: rows per table, attachment rows, files, modules."""
    filestore = odoo.tools.config.filestore(db)
    conn = _connect(odoo, db)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
            counts = {}
            for (table,) in cr.fetchall():
                cr.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalog
                counts[table] = cr.fetchone()[0]
            cr.execute(
                "SELECT md5(string_agg(concat_ws('|', id, store_fname, checksum, file_size, res_model,"
                " res_id), ',' ORDER BY id)) FROM ir_attachment"
            )
            attachments = cr.fetchone()[0]
            cr.execute(
                "SELECT DISTINCT store_fname, checksum FROM ir_attachment WHERE store_fname IS NOT NULL"
            )
            files = dict(cr.fetchall())
            contents = {}
            for table in CONTENT_TABLES:
                if table in counts:  # whole rows, in id order: what users and accounting see
                    cr.execute(f"SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM {table} t")  # noqa: S608
                    contents[table] = cr.fetchone()[0]
            cr.execute("SELECT name, latest_version FROM ir_module_module WHERE state = 'installed'")
            modules = dict(cr.fetchall())
            cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
            uuid = cr.fetchone()[0]
    finally:
        conn.close()
    bad_files = []
    for name, checksum in files.items():
        full = os.path.join(filestore, name)
        if not os.path.isfile(full):
            bad_files.append(f"{name}: missing")
            continue
        with open(full, "rb") as fh:
            if hashlib.sha1(fh.read()).hexdigest() != checksum:  # noqa: S324 - Odoo's own checksum
                bad_files.append(f"{name}: content differs from its checksum")
    return {
        "counts": counts,
        "contents": contents,
        "attachments": attachments,
        "files": len(files),
        "bad_files": bad_files,
        "modules": modules,
        "uuid": uuid,
    }


def check(odoo, db):
    """Dump ``db``, restore it under another name (Odoo's restore, uuid kept), compare; True when equal."""
    from odoo.service import db as db_service

    target = f"{db}_restored"
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, f"{db}.zip")
        before = snapshot_of(odoo, db)
        meta, missing = dump(odoo, db, path)
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if names[:2] != ["dump.sql", "manifest.json"]:
            problems.append(f"zip members start with {names[:2]}, Odoo's format starts with dump.sql")
        if meta["modules"] != before["modules"]:
            problems.append("manifest.json does not list the installed modules")
        if missing or before["bad_files"]:
            problems.append(f"the source filestore is incomplete: {before['bad_files'][:3]}")
        try:
            restore(odoo, target, path, force=True)
            after = snapshot_of(odoo, target)
        finally:
            with contextlib.suppress(Exception):
                db_service.exp_drop(target)
    differing = sorted(t for t in before["counts"] if before["counts"][t] != after["counts"].get(t))
    if differing or set(before["counts"]) != set(after["counts"]):
        problems.append(f"row counts differ in {differing[:10]} (or tables differ)")
    for key, label in (
        ("contents", f"rows of {', '.join(CONTENT_TABLES)}"),
        ("attachments", "attachment rows"),
        ("modules", "installed modules"),
        ("uuid", "database.uuid"),
        ("files", "number of files"),
    ):
        if before[key] != after[key]:
            problems.append(f"{label} differ")
    if after["bad_files"]:
        problems.append(f"restored filestore: {after['bad_files'][:3]}")
    rows = sum(before["counts"].values())
    if problems:
        for problem in problems:
            say(f"  backup/restore: {problem}")
        return False
    say(
        f"Backup and restore of {db}: {len(before['counts'])} tables, {rows} rows, {before['files']} files "
        f"(sha1 checked), rows of {', '.join(after['contents'])}, installed modules and database.uuid "
        "identical"
    )
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-c", "--config")
    parser.add_argument("-D", "--data-dir")
    parser.add_argument("--addons-path")
    for option in ("--db_host", "--db_port", "--db_user", "--db_password", "--pg_path"):
        parser.add_argument(option)
    sub = parser.add_subparsers(dest="command", required=True)
    dump_cmd = sub.add_parser("dump", help="consistent backup of DB and its filestore into FILE (a zip)")
    dump_cmd.add_argument("database")
    dump_cmd.add_argument("file")
    restore_cmd = sub.add_parser("restore", help="restore FILE (Odoo's dump format) as DB")
    restore_cmd.add_argument("--copy", action="store_true", help="a copy: give it a new database.uuid")
    restore_cmd.add_argument("--force", action="store_true", help="drop DB first when it exists")
    restore_cmd.add_argument("database")
    restore_cmd.add_argument("file")
    check_cmd = sub.add_parser("check", help="dump DB, restore it as DB_restored, compare, drop the copy")
    check_cmd.add_argument("database")
    args = parser.parse_args(argv)
    odoo_args = []
    for key, option in (
        ("config", "--config"),
        ("data_dir", "--data-dir"),
        ("addons_path", "--addons-path"),
        ("db_host", "--db_host"),
        ("db_port", "--db_port"),
        ("db_user", "--db_user"),
        ("db_password", "--db_password"),
        ("pg_path", "--pg_path"),
    ):
        if getattr(args, key) is not None:
            odoo_args += [option, getattr(args, key)]
    odoo = configure(odoo_args)
    if args.command == "dump":
        dump(odoo, args.database, os.path.abspath(args.file))
    elif args.command == "restore":
        restore(odoo, args.database, os.path.abspath(args.file), copy=args.copy, force=args.force)
    else:
        return 0 if check(odoo, args.database) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
