#!/usr/bin/env python3
# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Screenshots of the real web client, in English and Russian, from a database with the demo story.

Run against an Odoo that serves the demo database (``scripts/demo`` in another terminal)::

    python3 scripts/screenshots.py [--url http://localhost:8069] [--db crm_demo] [--out docs/screenshots]

For each screen it logs in as the story's user who works there (password = login, see README), switches
that user's language (restored afterwards), opens the screen in headless Chromium through the DevTools
protocol and saves ``<out>/<lang>/<screen>.png``. Then, as the head of sales, it exports last month's
sales report by salesperson to Excel through the export wizard and ``/report/download`` (as the web client
does), opens the file headless in LibreOffice (Calc and Draw) and saves its first sheet (the summary and
its chart) as ``<out>/<lang>/excel.png``; without LibreOffice (``soffice`` on PATH) it says so and skips
that shot.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
LANGS = {"en": "en_US", "ru": "ru_RU"}
WIDTH, HEIGHT = 1440, 900
OPEN_CALLS = """(() => {
    const count = document.querySelector(".oe_stat_button [name='phonecall_count']");
    if (count) { count.closest(".oe_stat_button").click(); return; }
    const more = document.querySelector(".o-form-buttonbox .o_button_more");
    if (more && !document.querySelector(".o-dropdown--menu")) { more.click(); }
})()"""


class Odoo:
    """A JSON-RPC session of one user."""

    def __init__(self, url, db, login):
        self.url, self.session = url.rstrip("/"), requests.Session()
        result = self.rpc("/web/session/authenticate", {"db": db, "login": login, "password": login})
        self.uid = result["uid"]
        self.session_id = self.session.cookies["session_id"]

    def rpc(self, path, params):
        response = self.session.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=120
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            raise RuntimeError(f"{path}: {body['error']['data']['message']}")
        return body["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


class Chromium:
    """Headless Chromium driven through the DevTools protocol (one page)."""

    def __init__(self):
        binary = next(
            (shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)),
            None,
        )
        if not binary:
            sys.exit("Chromium is not installed (chromium, chromium-browser or google-chrome on PATH)")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="crm-screenshots-")
        args = [
            binary,
            "--headless=new",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={self.profile}",
        ]
        args += ["--no-first-run", "--disable-gpu", f"--window-size={WIDTH},{HEIGHT}", "about:blank"]
        if os.geteuid() == 0:
            args.insert(1, "--no-sandbox")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                pages = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=2).json()
                page = next(p for p in pages if p["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        else:
            self.close()
            sys.exit("Chromium did not open its DevTools port")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], suppress_origin=True, timeout=120)
        self.next_id = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait(self, ready, what, timeout=90, step=None):
        """Until ``ready`` (CSS) is on the page and the UI is not blocked; ``step`` (JS) runs meanwhile."""
        check = (
            f"!!document.querySelector({json.dumps(ready)}) && !document.querySelector('.o_blockUI')"
            " && !document.body.classList.contains('o_ui_blocked')"
        )
        deadline = time.monotonic() + timeout
        while not self.evaluate(check):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: {ready} did not appear within {timeout} s")
            if step:
                self.evaluate(step)
            time.sleep(0.5)

    def shoot(self, base_url, session_id, path, ready, target, then=None):
        """Open ``path``, wait for ``ready``, save the PNG; ``then`` = (JS step, CSS ready, second target)."""
        self.send("Network.setCookie", name="session_id", value=session_id, url=base_url)
        self.send("Page.navigate", url=base_url + path)
        self.wait(ready, path)
        self.capture(target)
        if then:
            step, then_ready, then_target = then
            self.wait(then_ready, path, step=step)
            self.capture(then_target)

    def capture(self, target):
        time.sleep(2)  # charts animate, lazy widgets settle
        # server notices of the session (e.g. "the page is out of date" after a restart) are not the screen
        self.evaluate("document.querySelectorAll('.o_notification').forEach((n) => n.remove())")
        data = self.send("Page.captureScreenshot", format="png")["data"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(data))

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


def excel(user, lang, target):
    """Last month's sales report by salesperson, exported as the web client does, opened in LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print(f"{target} skipped: LibreOffice is not installed (soffice or libreoffice on PATH)")
        return False
    context = {"lang": lang}
    # the wizard's default period is the company's current month (its timezone): take the month before
    this_month = user.call("crm.report.export", "default_get", ["date_from"], context=context)["date_from"]
    last = date.fromisoformat(this_month) - timedelta(days=1)
    wizard = user.call(
        "crm.report.export",
        "create",
        {
            "report_type": "sales",
            "date_from": last.replace(day=1).isoformat(),
            "date_to": last.isoformat(),
            "group_by": "user_id",
        },
        context=context,
    )
    action = user.call("crm.report.export", "action_export_xlsx", [wizard], context=context)
    # the web client's download of an xlsx report action (OCA report_xlsx)
    url = f"/report/xlsx/{action['report_name']}/{wizard}"
    response = user.session.get(
        user.url + "/report/download",
        params={"data": json.dumps([url, "xlsx"]), "context": json.dumps(context)},
        timeout=300,
    )
    response.raise_for_status()
    if not response.content.startswith(b"PK"):
        raise RuntimeError(f"/report/download did not return an Excel file: {response.text[:300]}")
    with tempfile.TemporaryDirectory(prefix="crm-screenshots-") as tmp:
        xlsx = Path(tmp) / "report.xlsx"
        xlsx.write_bytes(response.content)
        # the first sheet on one page (a PDF through Calc), then that page as PNG (through Draw); a private
        # profile, so that a running LibreOffice of the user does not take over the conversion
        office = [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless"]
        one_page = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'
        for source, kind in ((xlsx, one_page), (xlsx.with_suffix(".pdf"), "png")):
            subprocess.run(
                [*office, "--convert-to", kind, "--outdir", tmp, str(source)],
                check=False,  # a missing filter is told below
                timeout=300,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        png = xlsx.with_suffix(".png")
        if not png.exists():
            print(f"{target} skipped: LibreOffice did not export it as PNG (is LibreOffice Draw installed?)")
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    return True


def screens(args):
    """(name, login, url path, CSS selector that says the screen is ready), found in the story's data."""
    head = Odoo(args.url, args.db, args.manager)
    seller = Odoo(args.url, args.db, args.salesperson)
    calls = seller.call(
        "crm.phonecall",
        "search_read",
        [("partner_id", "!=", False), ("user_id", "=", seller.uid)],
        fields=["partner_id"],
        limit=500,
        order="date desc",
    )
    if not calls:
        sys.exit(f"No calls of {args.salesperson}: is the demo story loaded in {args.db}? (scripts/demo)")
    counts = {}
    for call in calls:
        counts[call["partner_id"][0]] = counts.get(call["partner_id"][0], 0) + 1
    client = max(counts, key=counts.get)
    plans = head.call(
        "crm.sales.plan",
        "search_read",
        [("state", "=", "open")],
        fields=["id"],
        limit=1,
        order="date_from desc",
    )
    if not plans:
        sys.exit(f"No open plan in {args.db}: is the demo story loaded? (scripts/demo)")
    return [
        ("dashboard", args.manager, "/odoo/action-crm_reports.crm_dashboard_action", ".o_crm_dashboard_tile"),
        (
            "client_card",
            # OCA crm_phonecall shows the card's Calls button to sales managers and partner managers only
            args.manager,
            f"/odoo/res.partner/{client}",
            ".o_form_view .o_form_sheet",
            # then the card's Calls button (in the button box, or under its "More" when the box is full)
            (OPEN_CALLS, ".o_list_view .o_data_row", "client_calls"),
        ),
        (
            "plan_progress",
            args.manager,
            f"/odoo/action-crm_custom.crm_sales_plan_action/{plans[0]['id']}",
            ".o_field_widget[name='line_ids'] .o_data_row",
        ),
        (
            "funnel",
            args.manager,
            "/odoo/action-crm_reports.crm_report_funnel_action",
            ".o_action_manager .o_pivot, .o_action_manager .o_graph_renderer canvas,"
            " .o_action_manager .o_list_table",
        ),
    ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://localhost:8069", help="the Odoo serving the demo database")
    parser.add_argument("--db", default="crm_demo")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--manager", default="orlova", help="the head of sales' login (password = login)")
    parser.add_argument("--salesperson", default="ivanov", help="a salesperson's login (password = login)")
    args = parser.parse_args()
    args.url = args.url.rstrip("/")
    try:
        shots = screens(args)
    except requests.ConnectionError:
        sys.exit(f"No Odoo at {args.url}: start it with scripts/demo (or pass --url)")
    users = {login: Odoo(args.url, args.db, login) for login in {args.manager, args.salesperson}}
    langs = {
        login: user.call("res.users", "read", [user.uid], ["lang"])[0]["lang"]
        for login, user in users.items()
    }
    browser = Chromium()
    try:
        for short, lang in LANGS.items():
            for user in users.values():
                user.call("res.users", "write", [user.uid], {"lang": lang})
            for name, login, path, ready, *then in shots:
                target = Path(args.out) / short / f"{name}.png"
                if then:
                    step, then_ready, then_name = then[0]
                    then = (step, then_ready, Path(args.out) / short / f"{then_name}.png")
                browser.shoot(args.url, users[login].session_id, path, ready, target, then=then or None)
                print(f"{target} ({login}, {lang})" + (f" and {then[2]}" if then else ""))
            target = Path(args.out) / short / "excel.png"
            if excel(users[args.manager], lang, target):
                print(f"{target} ({args.manager}, {lang}, opened in LibreOffice)")
    finally:
        browser.close()
        for login, user in users.items():
            user.call("res.users", "write", [user.uid], {"lang": langs[login]})
    return 0


if __name__ == "__main__":
    sys.exit(main())
