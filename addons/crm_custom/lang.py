# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Texts written for someone else (a chatter note on their card, an activity, an e-mail, a pop-up) are
written in the reader's language: the caller passes a lazy translation, ``_lt("...", **values)``, and the
code that knows the reader renders it in their language (``res.users._crm_lang``)."""

from odoo.tools.translate import LazyGettext


def in_lang(env, text):
    """``text`` in ``env``'s language: a lazy translation is rendered in it, anything else (a plain string,
    Markup, False) is returned as it is."""
    return env._(text) if isinstance(text, LazyGettext) else text
