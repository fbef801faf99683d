# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import logging
import math
import random
import time
import wave
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime

import pytz
from dateutil.relativedelta import relativedelta
from passlib.hash import pbkdf2_sha512

from odoo import Command, api, fields, models

from . import crm_demo_story_names as N

_logger = logging.getLogger(__name__)

LOADED_PARAM = "crm_reports.demo_story_loaded"
TZ = "Europe/Moscow"


def _inn(rng, digits=10):
    """A Russian INN with valid check digits (10 digits: organisation, 12: individual entrepreneur)."""

    def check(numbers, weights):
        return str(sum(int(n) * w for n, w in zip(numbers, weights, strict=False)) % 11 % 10)

    if digits == 10:
        body = "77" + "".join(str(rng.randint(0, 9)) for _n in range(7))
        return body + check(body, [2, 4, 10, 3, 5, 9, 4, 6, 8])
    body = "77" + "".join(str(rng.randint(0, 9)) for _n in range(8))
    body += check(body, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8])
    return body + check(body, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8])


def _wav(seconds, tone):
    """A short mono 8 kHz WAV: a tone like a dial tone then a softer one (the demo "conversation")."""
    rate = 8000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        frames = bytearray()
        for n in range(int(rate * seconds)):
            freq = tone if (n // 2000) % 2 == 0 else tone * 1.5
            frames.append(128 + int(40 * math.sin(2 * math.pi * freq * n / rate)))
        out.writeframes(bytes(frames))
    return buffer.getvalue()


class CrmDemoStory(models.AbstractModel):
    """The demo story: a Russian trading company's sales department with a year of history.

    Loaded once by ``scripts/demo`` and the Docker ``odoo-init`` service (``_load_story``), never by a module
    install, so that test databases keep only the small XML demo data. Master records go through the ORM in
    batches (one ``create`` of a list per model), history through set-based SQL; every date is relative to
    today in Moscow, so the demo always looks current.

    The story is a list of steps (``_story_steps``); each step reads and extends the ``story`` dict
    (companies, teams, users, partners, leads...). A feature added later (dashboards, marketing analytics)
    adds its data with one more step in its own ``_story_steps`` override.
    """

    _name = "crm.demo.story"
    _description = "Demo Story Loader"

    # ------------------------------------------------------------------ entry point

    @api.model
    def _load_story(self, size=1.0, force=False, seed=17):
        """Load the story once (a marker parameter keeps a second call from loading it twice).

        ``size`` scales the bulk data (1.0: about 300 clients, 1,000 leads, 3,000 calls); the company,
        the 3 teams and the 12 salespeople are always there. Returns the ``story`` dict (empty when the
        story was loaded before).
        """
        params = self.env["ir.config_parameter"].sudo()
        if params.get_param(LOADED_PARAM) and not force:
            _logger.info("Demo story already loaded on %s: nothing to do", params.get_param(LOADED_PARAM))
            return {}
        self = self.sudo().with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
            no_reset_password=True,
            mail_auto_subscribe_no_notify=True,  # no "you have been assigned" e-mail per record
            mail_notify_force_send=False,
            # names are written in Russian (and copied to English by Odoo); messages of the flows are Russian
            lang="ru_RU",
        )
        story = {"size": size, "rng": random.Random(seed), "today": self._story_today()}
        started = time.perf_counter()
        for step in self._story_steps():
            step_started = time.perf_counter()
            getattr(self, step)(story)
            self.env.flush_all()
            _logger.info("Demo story: %s in %.1f s", step, time.perf_counter() - step_started)
        params.set_param(LOADED_PARAM, fields.Date.to_string(story["today"]))
        _logger.info("Demo story loaded in %.1f s", time.perf_counter() - started)
        return story

    @api.model
    def _story_steps(self):
        """Method names run in order; an addon adds its demo data by appending a step."""
        return [
            "_story_language",
            "_story_companies",
            "_story_users",
            "_story_catalog",
            "_story_partners",
            "_story_leads",
            "_story_quotations",
            "_story_invoices",
            "_story_plans",
            "_story_calls",
            "_story_activities",
            "_story_marketing_spend",
        ]

    # ------------------------------------------------------------------ helpers

    @api.model
    def _story_today(self):
        return datetime.now(pytz.timezone(TZ)).date()

    @api.model
    def _story_scaled(self, story, count, minimum=1):
        return max(minimum, int(round(count * story["size"])))

    @api.model
    def _story_utc(self, day, hour=10, minute=0):
        """Naive UTC datetime of ``day`` at ``hour:minute`` in Moscow (what Odoo stores)."""
        local = pytz.timezone(TZ).localize(datetime.combine(day, dtime(hour, minute)))
        return local.astimezone(pytz.UTC).replace(tzinfo=None)

    @api.model
    def _story_phone(self, story, area):
        story.setdefault("phones", set())
        rng = story["rng"]
        while True:
            number = f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
            if number not in story["phones"]:
                story["phones"].add(number)
                return f"+7 {area} {number[:3]}-{number[3:5]}-{number[5:]}"

    # ------------------------------------------------------------------ steps

    def _story_language(self, story):
        """Russian installed (with its translations) and active: every user can switch to it."""
        lang = self.env["res.lang"].with_context(active_test=False).search([("code", "=", "ru_RU")])
        if not lang.active:
            self.env["res.lang"]._activate_lang("ru_RU")
            installed = self.env["ir.module.module"].search([("state", "=", "installed")])
            installed._update_translations(["ru_RU"])

    def _story_companies(self, story):
        """The Russian trading company (RUB, Moscow) and its service company with its own books."""
        env = self.env
        rub = env.ref("base.RUB")
        rub.active = True
        ru = env.ref("base.ru")
        moscow = env.ref("base.state_ru_mow")
        rng = story["rng"]
        specs = [
            {
                "name": "ООО «Торговый дом Северный ветер»",
                "street": "ул. Большая Ордынка, д. 40, стр. 3",
                "zip": "119017",
                "phone": "+7 495 150-40-40",
                "email": "info@severveter.example",
                "website": "https://severveter.example",
            },
            {
                "name": "ООО «Северный ветер Сервис»",
                "street": "ул. Профсоюзная, д. 65, к. 1",
                "zip": "117342",
                "phone": "+7 495 150-40-50",
                "email": "service@severveter.example",
                "website": "https://service.severveter.example",
            },
        ]
        companies = env["res.company"]
        for spec in specs:
            vals = dict(
                spec,
                city="Москва",
                state_id=moscow.id,
                country_id=ru.id,
                currency_id=rub.id,
                vat=_inn(rng),
                crm_tz=TZ,
            )
            if "iap_enrich_auto_done" in env["res.company"]._fields:  # no enrichment request to IAP
                vals["iap_enrich_auto_done"] = True
            companies |= env["res.company"].create(vals)
        for company in companies:
            company.partner_id.write({"kpp": "770501001", "legal_name": company.name, "lang": "ru_RU"})
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            # the generic chart sets the currency of its (American) fiscal country: back to roubles
            company.write({"currency_id": rub.id, "account_fiscal_country_id": ru.id})
        admin = env.ref("base.user_admin")
        (env.user | admin).write({"company_ids": [Command.link(cid) for cid in companies.ids]})
        admin.company_id = companies[0]  # the administrator lands in the story's company
        story["companies"] = companies
        story["taxes"] = {}
        for company in companies:
            group = env["account.tax.group"].create(
                {"name": "НДС", "company_id": company.id, "country_id": ru.id}
            )
            story["taxes"][company.id] = company.account_sale_tax_id.copy(
                {
                    "name": "НДС 20%",
                    "amount": 20.0,
                    "description": "НДС 20%",
                    "country_id": ru.id,
                    "tax_group_id": group.id,
                }
            )
        # the other companies' motivation scheme is the main one's, copied with its tiers
        main_scheme = env.ref("crm_custom.motivation_scheme_main", raise_if_not_found=False)
        if main_scheme:
            for company in companies:
                main_scheme.copy({"name": "Стандартная мотивация", "company_id": company.id})

    def _story_users(self, story):
        """Head of sales, accountant, 12 salespeople in 3 teams; PBX extensions; password = login.

        No photos: Odoo draws each avatar from the initials."""
        env = self.env
        companies = story["companies"]
        salesman = env.ref("sales_team.group_sale_salesman")
        manager = env.ref("sales_team.group_sale_manager")
        invoicing = env.ref("account.group_account_invoice")
        accountant = env.ref("account.group_account_manager")

        def user_vals(person, groups, company, extension=False):
            surname, first, patronymic, _gender, login = person
            return {
                "name": f"{first} {surname}",
                "login": login,
                "email": f"{login}@severveter.example",
                "lang": "ru_RU",
                "tz": TZ,
                "company_id": company.id,
                "company_ids": [Command.set(companies.ids)],
                "groups_id": [Command.set([env.ref("base.group_user").id, *groups])],
                "pbx_extension": extension,
                "signature": f"<p>{first} {patronymic} {surname}<br/>{company.name}</p>",
            }

        vals_list = []
        for index, person in enumerate(N.SALESPEOPLE):
            company = companies[N.TEAMS[index // 4][1]]
            vals_list.append(user_vals(person, [salesman.id], company, str(101 + index)))
        vals_list.append(user_vals(N.HEAD_OF_SALES, [manager.id, invoicing.id], companies[0], "100"))
        vals_list.append(user_vals(N.ACCOUNTANT, [accountant.id], companies[0]))
        users = env["res.users"].create(vals_list)
        # password = login, hashed with few rounds: published demo passwords need no slow hash, and Odoo
        # rehashes each with its full work factor at the first login
        quick = pbkdf2_sha512.using(rounds=1000)
        for user, person in zip(users, [*N.SALESPEOPLE, N.HEAD_OF_SALES, N.ACCOUNTANT], strict=True):
            user.partner_id.gender = person[3]
            user._set_encrypted_password(user.id, quick.hash(person[4]))
        salespeople, head = users[:12], users[12]
        story.update(salespeople=salespeople, head=head, accountant=users[13])
        teams = env["crm.team"]
        for name, company_index, first, count in N.TEAMS:
            members = salespeople[first : first + count]
            teams |= env["crm.team"].create(
                {
                    "name": name,
                    "company_id": companies[company_index].id,
                    "user_id": members[0].id,
                    "member_ids": [Command.set(members.ids)],
                    "use_leads": True,
                    "use_opportunities": True,
                }
            )
        story["teams"] = teams
        story["team_of"] = {user.id: team for team in teams for user in team.member_ids}
        # one PBX per company, its switchboard number routed to the first team of the company
        story["pbx"] = {}
        for company in companies:
            team = teams.filtered(lambda t, c=company: t.company_id == c)[:1]
            number = company.phone
            pbx = env["crm.pbx"].create(
                {
                    "name": f"АТС {company.name}",
                    "provider": "generic",
                    "company_id": company.id,
                    "default_country_id": env.ref("base.ru").id,
                    "default_team_id": team.id,
                    "recording_policy": "attachment",
                    "retention_days": 365,
                }
            )
            env["crm.pbx.route"].create({"pbx_id": pbx.id, "number": number, "team_id": team.id})
            story["pbx"][company.id] = pbx

    def _story_catalog(self, story):
        """Products in categories, channels (utm sources and mediums), campaigns, segments, lost reasons."""
        env = self.env
        categories = {}
        for category in dict.fromkeys(p[1] for p in N.PRODUCTS):
            categories[category] = env["product.category"].create({"name": category})
        products = env["product.product"].create(
            [
                {
                    "name": name,
                    "categ_id": categories[category].id,
                    "list_price": price,
                    "standard_price": round(price * 0.7),
                    "type": "service" if service else "consu",
                    "default_code": f"SV-{index + 1:03d}",
                    "taxes_id": [Command.set([tax.id for tax in story["taxes"].values()])],
                    "sale_ok": True,
                }
                for index, (name, category, price, service) in enumerate(N.PRODUCTS)
            ]
        )
        story["products"] = products
        mediums = {}
        for _source, medium, _share in N.CHANNELS:
            if medium not in mediums:
                mediums[medium] = env["utm.medium"].create({"name": medium})
        story["channels"] = [
            (env["utm.source"].create({"name": source}), mediums[medium], share)
            for source, medium, share in N.CHANNELS
        ]
        story["campaigns"] = env["utm.campaign"].create([{"name": name} for name in N.CAMPAIGNS])
        story["segments"] = env["crm.client.segment"].create(
            [{"name": name, "description": text, "sequence": n} for n, (name, text) in enumerate(N.SEGMENTS)]
        )
        story["lost_reasons"] = env["crm.lost.reason"].create([{"name": name} for name in N.LOST_REASONS])

    def _story_partners(self, story):
        """About 300 client companies with requisites and 1 to 3 contacts each (some born this week)."""
        env, rng, today = self.env, story["rng"], story["today"]
        ru = env.ref("base.ru")
        states = {
            state.code: state.id for state in env["res.country.state"].search([("country_id", "=", ru.id)])
        }
        count = self._story_scaled(story, 300, minimum=12)
        companies = story["companies"]
        salespeople = story["salespeople"]
        names = set()
        vals_list, meta, dealt = [], [], defaultdict(int)
        for n in range(count):
            while True:
                form = rng.choice(N.COMPANY_FORMS)
                core = f"{rng.choice(N.COMPANY_WORDS)}{rng.choice(N.COMPANY_TRADES).lower()}"
                name = f"{form} «{core}»" if form != "ИП" else None
                if form == "ИП":
                    surname = rng.choice(N.SURNAMES)
                    name = f"ИП {surname} {rng.choice(N.MALE_FIRST)[0]}. {rng.choice(N.MALE_PATRONYMICS)[0]}."
                if name not in names:
                    names.add(name)
                    break
            city, region, zip_prefix, area, streets = rng.choice(N.CITIES)
            # 5 in 6 clients belong to the trading company, the others to the service company
            company = companies[0] if n % 6 else companies[1]
            owners = salespeople.filtered(lambda u, c=company: story["team_of"][u.id].company_id == c)
            owner = owners[dealt[company.id] % len(owners)]
            dealt[company.id] += 1
            latin = f"client{n + 1}"
            vals_list.append(
                {
                    "name": name,
                    "is_company": True,
                    "company_id": company.id,
                    "legal_name": name.replace("ООО", "Общество с ограниченной ответственностью").replace(
                        "АО", "Акционерное общество"
                    ),
                    "vat": _inn(rng, 12 if form == "ИП" else 10),
                    "kpp": False if form == "ИП" else f"{rng.randint(1000, 9999)}01001",
                    "street": f"{rng.choice(streets)}, д. {rng.randint(1, 120)}",
                    "street2": f"офис {rng.randint(1, 450)}" if n % 3 else False,
                    "city": city,
                    "zip": (zip_prefix + f"{rng.randint(0, 99999):05d}")[:6],
                    "state_id": states.get(region),
                    "country_id": ru.id,
                    "phone": self._story_phone(story, area),
                    "email": f"info@{latin}.example",
                    "website": f"https://{latin}.example",
                    "lang": "ru_RU",
                    "segment_id": story["segments"][n % len(story["segments"])].id,
                    "user_id": owner.id,
                    "customer_rank": 1,
                    "preferred_channel": rng.choice(["phone", "email", "messenger", "meeting"]),
                }
            )
            meta.append((company, area, latin, owner))
        clients = env["res.partner"].create(vals_list)
        week_start = today - timedelta(days=today.weekday())
        contact_vals = []
        for n, (client, (company, area, latin, _owner)) in enumerate(zip(clients, meta, strict=True)):
            for k in range(1 + (n % 3 == 0) + (n % 7 == 0)):
                female = rng.random() < 0.45
                surname = rng.choice(N.SURNAMES) + ("а" if female else "")
                surname = surname.replace("ёва", "ёва")
                first = rng.choice(N.FEMALE_FIRST if female else N.MALE_FIRST)
                patronymic = rng.choice(N.FEMALE_PATRONYMICS if female else N.MALE_PATRONYMICS)
                if n % 25 == 0 and k == 0:  # birthday this week (the card shows it)
                    born = week_start + timedelta(days=n % 7)
                    birthday = born.replace(year=born.year - rng.randint(28, 58))
                else:
                    birthday = today - timedelta(days=rng.randint(25 * 365, 60 * 365))
                contact_vals.append(
                    {
                        "name": f"{surname} {first} {patronymic}",
                        "parent_id": client.id,
                        "company_id": company.id,
                        "type": "contact",
                        "function": N.FUNCTIONS[(n + k) % len(N.FUNCTIONS)],
                        "phone": self._story_phone(story, area),
                        "mobile": self._story_phone(story, rng.choice(["903", "916", "926", "985"])),
                        "email": f"{'abcdefghij'[k]}{n + 1}@{latin}.example",
                        "lang": "ru_RU",
                        "gender": "female" if female else "male",
                        "birthdate_date": birthday,
                    }
                )
        contacts = env["res.partner"].create(contact_vals)
        story["clients"] = clients
        story["contacts"] = contacts
        story["clients_of"] = defaultdict(list)
        for client, (_company, _area, _latin, owner) in zip(clients, meta, strict=True):
            story["clients_of"][owner.id].append(client)
        lost = [user.name for user in salespeople if not story["clients_of"][user.id]]
        assert not lost, lost

    def _story_leads(self, story):
        """1,000 leads over the year: won, lost with reasons, open and stuck, with their stage history.

        Created through the ORM in the stage each ended in (Odoo computes probabilities, won status and the
        rest); their dates and the stage history are then written by SQL as if the year had happened."""
        env, rng, today = self.env, story["rng"], story["today"]
        stages = env["crm.stage"].search([("team_id", "=", False)], order="sequence, id")
        won_stage = stages.filtered("is_won")[:1]
        open_stages = stages.filtered(lambda s: not s.is_won)
        count = self._story_scaled(story, 1000, minimum=40)
        channels = story["channels"]
        weights = [share for _s, _m, share in channels]
        products = story["products"]
        salespeople = story["salespeople"]
        plans, vals_list = [], []
        for n in range(count):
            user = salespeople[n % len(salespeople)]
            team = story["team_of"][user.id]
            clients = story["clients_of"][user.id]
            client = clients[rng.randrange(len(clients))]
            age = int(365 * (rng.random() ** 1.3))  # more leads lately
            created = today - timedelta(days=age)
            roll = rng.random()
            if age < 3:
                outcome = "new"
            elif roll < 0.30 and age > 7:
                outcome = "won"
            elif roll < 0.55 and age > 7:
                outcome = "lost"
            elif roll < 0.65 and age > 45:
                outcome = "stuck"  # open but untouched for weeks: the reports' stuck deals
            else:
                outcome = "open"
            top = {
                "new": 1,
                "won": len(open_stages) + 1,
            }.get(outcome, 1 + rng.randrange(len(open_stages)))
            path = list(range(1, top + 1))
            if outcome in ("open", "stuck") and top >= 2 and n % 11 == 0:
                path += [top - 1, top]  # went back a stage and forward again
            stage_ids = [*open_stages.ids, *won_stage.ids]
            span = max(age, 1)
            gap_days = min(span / max(len(path), 1), rng.uniform(2, 14))
            if outcome == "stuck":
                gap_days = min(gap_days, 5)
            source, medium, _share = rng.choices(channels, weights=weights)[0]
            contact = client.child_ids[:1]
            amount = round(rng.choice(products).list_price * rng.randint(1, 12), -2)
            vals = {
                "name": f"{rng.choice(N.LEAD_TOPICS)} — {client.name}",
                "type": "lead" if outcome == "new" and n % 2 else "opportunity",
                "partner_id": (contact or client).id,
                "contact_name": contact.name or False,
                "email_from": (contact or client).email,
                "phone": (contact or client).phone,
                "company_id": team.company_id.id,
                "user_id": user.id,
                "team_id": team.id,
                "stage_id": stage_ids[path[-1] - 1],
                "expected_revenue": amount,
                "source_id": source.id,
                "medium_id": medium.id,
                "campaign_id": story["campaigns"][n % len(story["campaigns"])].id if n % 3 else False,
                "product_ids": [Command.set(rng.sample(products.ids, 1 + n % 3))],
                "priority": rng.choice(["0", "0", "1", "2", "3"]),
                "date_deadline": created + timedelta(days=rng.randint(20, 90)),
                "description": f"<p>Запрос пришёл через канал «{source.name}». Нужен расчёт под объект.</p>",
            }
            if outcome == "lost":
                vals.update(active=False, probability=0, lost_reason_id=rng.choice(story["lost_reasons"]).id)
            if outcome == "won":
                vals["probability"] = 100
            vals_list.append(vals)
            plans.append((created, path, gap_days, outcome, user.id, team.company_id.id))
        leads = env["crm.lead"].with_context(mail_activity_automation_skip=True).create(vals_list)
        self._story_lead_history(story, leads, plans, stage_ids)
        story["leads"] = leads.with_context(active_test=False)

    def _story_lead_history(self, story, leads, plans, stage_ids):
        cr = self.env.cr
        ids, stages, starts, ends, users, companies = [], [], [], [], [], []
        created_at, last_moves, closed_at, first_contacts = [], [], [], []
        now = fields.Datetime.now()
        for lead, (created, path, gap_days, outcome, user_id, company_id) in zip(leads, plans, strict=True):
            start = self._story_utc(created, 9 + lead.id % 9, lead.id % 60)
            gap = timedelta(days=gap_days, hours=lead.id % 7)
            moments = [min(start + gap * step, now) for step in range(len(path))]
            for step, rank in enumerate(path):
                ids.append(lead.id)
                stages.append(stage_ids[rank - 1])
                starts.append(moments[step])
                ends.append(moments[step + 1] if step + 1 < len(path) else None)
                users.append(user_id)
                companies.append(company_id)
            created_at.append(start)
            last = moments[-1]
            if outcome == "lost":
                last = min(last + gap, now)
            last_moves.append(last)
            closed_at.append(last if outcome in ("won", "lost") else None)
            first_contacts.append(None if outcome == "new" else start + timedelta(hours=2))
        lead_ids = leads.ids
        cr.execute("DELETE FROM crm_lead_stage_history WHERE lead_id = ANY(%s)", [lead_ids])
        cr.execute(
            """
            INSERT INTO crm_lead_stage_history (lead_id, stage_id, date_start, date_end, user_id, company_id)
            SELECT * FROM unnest(%s::int[], %s::int[], %s::timestamp[], %s::timestamp[], %s::int[], %s::int[])
            """,
            [ids, stages, starts, ends, users, companies],
        )
        cr.execute(
            """
            UPDATE crm_lead l
               SET create_date = v.created, write_date = v.moved, date_open = v.created,
                   date_last_stage_update = v.moved, date_closed = v.closed,
                   first_contact_date = v.contacted,
                   first_contact_deadline = CASE WHEN v.contacted IS NULL THEN l.first_contact_deadline
                                                 ELSE v.created + interval '1 day' END
              FROM unnest(%s::int[], %s::timestamp[], %s::timestamp[], %s::timestamp[], %s::timestamp[])
                   AS v(id, created, moved, closed, contacted)
             WHERE l.id = v.id
            """,
            [lead_ids, created_at, last_moves, closed_at, first_contacts],
        )
        self.env["crm.lead"].invalidate_model()
        self.env["crm.lead"]._refresh_create_day(lead_ids=lead_ids)
        if "crm.lead.stage.reach" in self.env:
            self.env["crm.lead.stage.reach"]._rebuild(lead_ids)

    def _story_quotations(self, story):
        """Quotations of the open opportunities in the later stages (drafts and sent ones), and the
        confirmed sales orders of the won deals, dated the day each deal was won."""
        env, rng = self.env, story["rng"]
        leads = story["leads"].filtered(
            lambda lead: (
                lead.active
                and lead.type == "opportunity"
                and (lead.stage_id.is_won or lead.stage_id.sequence > 1)
            )
        )
        vals_list = []
        for lead in leads:
            partner = lead.partner_id.commercial_partner_id
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "opportunity_id": lead.id,
                    "user_id": lead.user_id.id,
                    "team_id": lead.team_id.id,
                    "company_id": lead.company_id.id,
                    "origin": lead.name,
                    "note": N.QUOTATION_NOTE,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": rng.randint(1, 8),
                                "tax_id": [Command.set(story["taxes"][lead.company_id.id].ids)],
                            }
                        )
                        for product in lead.product_ids
                    ],
                }
            )
        orders = env["sale.order"].with_company(story["companies"][0]).create(vals_list)
        won = orders.filtered(lambda order: order.opportunity_id.stage_id.is_won)
        won.action_confirm()
        for order in won:
            order.date_order = order.opportunity_id.date_closed
        sent = (orders - won).filtered(lambda order: order.id % 2)
        sent.write({"state": "sent"})
        story["quotations"], story["orders"] = orders - won, won

    def _story_invoices(self, story):
        """Posted invoices of each salesperson over 13 months, most paid, a few credit notes.

        Each invoice carries its salesperson and that salesperson's team, so a team's revenue is the sum of
        its members' (the reports and plans count the same journal items as accounting)."""
        env, rng, today = self.env, story["rng"], story["today"]
        first_month = today.replace(day=1) - relativedelta(months=12)
        per_month = 1.1 * story["size"]  # invoices per salesperson and month, on average
        vals_list = []
        for user in story["salespeople"]:
            team = story["team_of"][user.id]
            company = team.company_id
            clients = story["clients_of"][user.id]
            level = 0.7 + 0.6 * rng.random()  # some salespeople sell more than others
            for month in range(13):
                start = first_month + relativedelta(months=month)
                last_day = min(start + relativedelta(months=1, days=-1), today)
                mean = per_month * rng.uniform(0.5, 1.5)
                for _n in range(int(mean) + (rng.random() < mean % 1)):
                    day = start + timedelta(days=rng.randint(0, (last_day - start).days))
                    lines = []
                    for product in rng.sample(story["products"].ids, rng.randint(2, 4)):
                        price = story["products"].browse(product).list_price
                        lines.append(
                            Command.create(
                                {
                                    "product_id": product,
                                    "quantity": max(1, round(rng.randint(1, 6) * level)),
                                    "price_unit": price,
                                    "tax_ids": [Command.set(story["taxes"][company.id].ids)],
                                }
                            )
                        )
                    vals_list.append(
                        {
                            "move_type": "out_invoice",
                            "partner_id": rng.choice(clients).id,
                            "invoice_date": day,
                            "date": day,
                            "invoice_user_id": user.id,
                            "team_id": team.id,
                            "company_id": company.id,
                            "invoice_line_ids": lines,
                        }
                    )
        moves = env["account.move"]
        for company in story["companies"]:
            company_vals = [vals for vals in vals_list if vals["company_id"] == company.id]
            moves |= env["account.move"].with_company(company).create(company_vals)
        _logger.info("Demo story: %s invoices created", len(moves))
        moves.action_post()
        _logger.info("Demo story: invoices posted")
        # a few credit notes: one item returned, a week after the invoice
        refunds_vals = []
        for invoice in moves[5::23]:
            line = invoice.invoice_line_ids[:1]
            day = min(invoice.invoice_date + timedelta(days=7), today)
            refunds_vals.append(
                {
                    "move_type": "out_refund",
                    "partner_id": invoice.partner_id.id,
                    "invoice_date": day,
                    "date": day,
                    "invoice_user_id": invoice.invoice_user_id.id,
                    "team_id": invoice.team_id.id,
                    "company_id": invoice.company_id.id,
                    "reversed_entry_id": invoice.id,
                    "ref": f"Возврат по {invoice.name}",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "quantity": 1,
                                "price_unit": line.price_unit,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                    ],
                }
            )
        refunds = env["account.move"]
        for company in story["companies"]:
            company_vals = [vals for vals in refunds_vals if vals["company_id"] == company.id]
            if company_vals:
                refunds |= env["account.move"].with_company(company).create(company_vals)
        refunds.action_post()
        story["invoices"], story["refunds"] = moves, refunds
        _logger.info("Demo story: %s credit notes posted", len(refunds))
        self._story_payments(story, moves - refunds.reversed_entry_id)

    def _story_payments(self, story, invoices):
        """Most invoices paid 5 to 30 days after their date; recent ones often still open (receivables)."""
        today = story["today"]
        by_date = defaultdict(lambda: self.env["account.move"])
        for invoice in invoices:
            age = (today - invoice.invoice_date).days
            if age < 5 or (age < 45 and invoice.id % 3 == 0) or invoice.id % 17 == 0:
                continue  # still to be paid; some of them overdue
            pay_day = min(invoice.invoice_date + timedelta(days=5 + invoice.id % 26), today)
            by_date[(invoice.company_id, pay_day - timedelta(days=pay_day.weekday()))] |= invoice
        for (company, day), batch in sorted(by_date.items(), key=lambda item: item[0][1]):
            self.env["account.payment.register"].with_company(company).with_context(
                active_model="account.move", active_ids=batch.ids
            ).create({"payment_date": day, "group_payment": False}).action_create_payments()

    def _story_plans(self, story):
        """Monthly plans of each team for the last 12 months (closed: motivation statements issued) and
        this month (open), with revenue, new leads and won deals per salesperson and for the team."""
        env, rng, today = self.env, story["rng"], story["today"]
        kpi = {code: env.ref(f"crm_custom.kpi_{code}") for code in ("revenue", "leads_new", "deals_won")}
        this_month = today.replace(day=1)
        Kpi = env["crm.kpi"]
        revenue_by_key = defaultdict(float)
        companies = story["companies"]
        env.cr.execute(Kpi._aggregate_revenue(companies))
        for _company, user_id, _team, day, value in env.cr.fetchall():
            revenue_by_key[(user_id, day.replace(day=1))] += value or 0.0
        average = defaultdict(float)
        for (user_id, month), value in revenue_by_key.items():
            if month < this_month:
                average[user_id] += value / 12.0
        vals_list = []
        for team in story["teams"]:
            members = team.member_ids
            for age in range(12, -1, -1):
                start = this_month - relativedelta(months=age)
                lines = []
                team_target = 0.0
                for user in members:
                    # a closed month's target is around what the salesperson sold (some met, some missed);
                    # this month's, around their monthly average
                    done = revenue_by_key.get((user.id, start), 0.0) if age else average[user.id]
                    target = round(max(done, 50000.0) * rng.uniform(0.85, 1.2), -4)
                    team_target += target
                    lines += [
                        Command.create({"user_id": user.id, "kpi_id": kpi["revenue"].id, "target": target}),
                        Command.create({"user_id": user.id, "kpi_id": kpi["leads_new"].id, "target": 8}),
                        Command.create({"user_id": user.id, "kpi_id": kpi["deals_won"].id, "target": 3}),
                    ]
                lines += [
                    Command.create({"kpi_id": kpi["revenue"].id, "target": team_target}),
                    Command.create({"kpi_id": kpi["leads_new"].id, "target": 8 * len(members)}),
                    Command.create({"kpi_id": kpi["deals_won"].id, "target": 3 * len(members)}),
                ]
                vals_list.append(
                    {
                        "team_id": team.id,
                        "company_id": team.company_id.id,
                        "date_from": start,
                        "period_type": "month",
                        "line_ids": lines,
                    }
                )
        plans = env["crm.sales.plan"].create(vals_list)
        for plan in plans.sorted("date_from"):
            plan.with_company(plan.company_id).action_open()
            if plan.date_from < this_month:
                plan.with_company(plan.company_id).action_close()
        story["plans"] = plans

    def _story_calls(self, story):
        """A year of calls (set-based SQL), recordings of the recent answered ones (short generated WAVs),
        and this morning's missed calls, each waiting for its call back."""
        env, rng, today = self.env, story["rng"], story["today"]
        cr = env.cr
        count = self._story_scaled(story, 3000, minimum=60)
        now = fields.Datetime.now()
        rows = defaultdict(list)
        outcomes = ["answered"] * 7 + ["missed", "busy", "no_answer", "voicemail"]
        salespeople = story["salespeople"]
        for n in range(count):
            user = salespeople[n % len(salespeople)]
            team = story["team_of"][user.id]
            company = team.company_id
            client = rng.choice(story["clients_of"][user.id])
            partner = client.child_ids[:1] or client
            inbound = rng.random() < 0.55
            outcome = rng.choice(outcomes)
            day = today - timedelta(days=int(365 * rng.random() ** 1.5) + 1)
            ring = self._story_utc(day, rng.randint(9, 18), rng.randint(0, 59))
            ring_s = rng.randint(3, 25)
            talk = rng.randint(20, 900) if outcome == "answered" else 0
            remote = partner.phone_sanitized or partner.phone
            ours = company.phone and company.partner_id.phone_sanitized or "+74951504040"
            for key, value in (
                ("name", ("Входящий звонок от %s" if inbound else "Исходящий звонок на %s") % remote),
                ("pbx_id", story["pbx"][company.id].id),
                ("external_call_id", f"demo-story-{n + 1:05d}"),
                ("company_id", company.id),
                ("user_id", user.id),
                ("team_id", team.id),
                ("partner_id", partner.id),
                ("direction", "in" if inbound else "out"),
                ("outcome", outcome),
                ("date", ring),
                ("answer_time", ring + timedelta(seconds=ring_s) if talk else None),
                ("end_time", ring + timedelta(seconds=ring_s + talk)),
                ("ring_seconds", ring_s),
                ("talk_seconds", talk),
                ("duration", talk / 60.0),
                ("remote_e164", remote),
                ("dialled_e164", ours),
                ("pbx_extension", user.pbx_extension),
            ):
                rows[key].append(value)
        cr.execute(
            """
            INSERT INTO crm_phonecall (
                name, pbx_id, external_call_id, company_id, user_id, team_id, partner_id, direction, outcome,
                date, ring_start, answer_time, end_time, date_closed, ring_seconds, talk_seconds, duration,
                remote_e164, dialled_e164, partner_phone, caller_number, called_number, pbx_extension,
                state, active, priority, card_logged, lead_created, pbx_lead_pending, pbx_popup_pending,
                pbx_end_pending, recording_state, create_date, write_date, create_uid, write_uid
            )
            SELECT name, pbx_id, ext, company_id, user_id, team_id, partner_id, direction, outcome,
                   ring, ring, answered, ended, ended, ring_s, talk_s, duration,
                   remote, ours, remote, CASE WHEN direction = 'in' THEN remote ELSE ours END,
                   CASE WHEN direction = 'in' THEN ours ELSE remote END, extension,
                   'done', TRUE, '1', TRUE, FALSE, FALSE, FALSE, FALSE, 'none', ring, ended, %s, %s
              FROM unnest(%s::varchar[], %s::int[], %s::varchar[], %s::int[], %s::int[], %s::int[], %s::int[],
                          %s::varchar[], %s::varchar[], %s::timestamp[], %s::timestamp[], %s::timestamp[],
                          %s::int[], %s::int[], %s::float[], %s::varchar[], %s::varchar[], %s::varchar[])
                   AS c(name, pbx_id, ext, company_id, user_id, team_id, partner_id, direction, outcome, ring,
                        answered, ended, ring_s, talk_s, duration, remote, ours, extension)
            RETURNING id, outcome, date
            """,
            [
                self.env.uid,
                self.env.uid,
                *(
                    rows[key]
                    for key in (
                        "name",
                        "pbx_id",
                        "external_call_id",
                        "company_id",
                        "user_id",
                        "team_id",
                        "partner_id",
                        "direction",
                        "outcome",
                        "date",
                        "answer_time",
                        "end_time",
                        "ring_seconds",
                        "talk_seconds",
                        "duration",
                        "remote_e164",
                        "dialled_e164",
                        "pbx_extension",
                    )
                ),
            ],
        )
        inserted = cr.fetchall()
        env["crm.phonecall"].invalidate_model()
        recent = [
            call_id
            for call_id, outcome, ring in inserted
            if outcome == "answered" and ring >= now - timedelta(days=30)
        ]
        self._story_recordings(story, env["crm.phonecall"].browse(recent))
        self._story_missed_calls(story)
        story["calls"] = env["crm.phonecall"].browse([row[0] for row in inserted])

    def _story_recordings(self, story, calls):
        """Recordings stored as attachments: a handful of generated WAVs (the filestore keeps each once)."""
        sounds = [base64.b64encode(_wav(1.5 + n * 0.5, 350 + 60 * n)) for n in range(6)]
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": f"{call.external_call_id}.wav",
                    "datas": sounds[call.id % len(sounds)],
                    "mimetype": "audio/wav",
                    "res_model": "crm.phonecall",
                    "res_id": call.id,
                }
                for call in calls
            ]
        )
        for call, attachment in zip(calls, attachments, strict=True):
            call.write(
                {
                    "recording_attachment_id": attachment.id,
                    "recording_state": "done",
                    "recording_ref": call.external_call_id,
                }
            )

    def _story_missed_calls(self, story):
        """This morning's missed inbound calls: the telephony schedules their call backs, due today."""
        env, today = self.env, story["today"]
        now = fields.Datetime.now()
        vals_list = []
        count = self._story_scaled(story, 24, minimum=6)
        for n in range(count):
            user = story["salespeople"][n % len(story["salespeople"])]
            team = story["team_of"][user.id]
            clients = story["clients_of"][user.id]
            client = clients[(n // len(story["salespeople"])) % len(clients)]
            partner = client.child_ids[:1] or client
            ring = min(self._story_utc(today, 9, 0) + timedelta(minutes=17 * n), now - timedelta(minutes=5))
            vals_list.append(
                {
                    "name": f"Пропущенный звонок от {partner.phone}",
                    "pbx_id": story["pbx"][team.company_id.id].id,
                    "external_call_id": f"demo-story-missed-{n + 1:03d}",
                    "company_id": team.company_id.id,
                    "direction": "in",
                    "outcome": "missed",
                    "state": "done",
                    "partner_id": partner.id,
                    "partner_phone": partner.phone,
                    "remote_e164": partner.phone_sanitized or partner.phone,
                    "user_id": user.id,
                    "team_id": team.id,
                    "pbx_extension": user.pbx_extension,
                    "date": ring,
                    "ring_start": ring,
                    "end_time": ring + timedelta(seconds=25),
                    "ring_seconds": 25,
                    "talk_seconds": 0,
                    "duration": 0.0,
                    "card_logged": True,
                }
            )
        missed = env["crm.phonecall"].create(vals_list)
        # each missed call from a different client: one call back per client on the salesperson's list
        missed._pbx_schedule_callback()
        story["missed_calls"] = missed

    def _story_activities(self, story):
        """Follow-ups on open deals: several due today for each salesperson, some overdue, some later."""
        env, rng, today = self.env, story["rng"], story["today"]
        model_id = env["ir.model"]._get_id("crm.lead")
        open_leads = story["leads"].filtered(lambda lead: lead.active and not lead.stage_id.is_won)
        by_user = open_leads.grouped("user_id")
        vals_list = []
        for user in story["salespeople"]:
            leads = by_user.get(user, env["crm.lead"])
            for k, lead in enumerate(leads[: 4 + self._story_scaled(story, 4, minimum=0)]):
                xmlid, summary = N.FOLLOW_UPS[(lead.id + k) % len(N.FOLLOW_UPS)]
                offset = 0 if k < 3 else rng.choice([-3, -1, 1, 2, 5])
                vals_list.append(
                    {
                        "activity_type_id": env.ref(xmlid).id,
                        "summary": summary,
                        "res_model_id": model_id,
                        "res_id": lead.id,
                        "user_id": user.id,
                        "date_deadline": today + timedelta(days=offset),
                    }
                )
        story["activities"] = (
            env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        )

    def _story_marketing_spend(self, story):
        """A year of monthly marketing spend of the trading company per paid channel (word of mouth and e-mail
        cost nothing), so that the channel report shows cost per lead and ROMI: roughly a tenth of the revenue
        the channel's share of leads brings, varied by month."""
        rng, today = story["rng"], story["today"]
        company = story["companies"][0]
        free = {"Рекомендация", "E-mail"}
        first = today.replace(day=1)
        months = []
        for back in range(12, -1, -1):
            year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
            months.append(first.replace(year=year, month=month + 1))
        vals_list = [
            {
                "company_id": company.id,
                "date": month,
                "source_id": source.id,
                "medium_id": medium.id,
                "amount": round(share * 9000 * rng.uniform(0.7, 1.3), -2),
            }
            for month in months
            for source, medium, share in story["channels"]
            if medium.name not in free
        ]
        story["marketing_costs"] = self.env["crm.marketing.cost"].with_company(company).create(vals_list)
