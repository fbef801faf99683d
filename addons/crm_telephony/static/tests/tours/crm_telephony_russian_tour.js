/** @odoo-module **/
// Copyright 2026 CRM Suite Authors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

// A Russian salesperson opens a client card that misses an item, then goes to the calls through the CRM
// app's menu (OCA crm_phonecall's screens): the banner, the menus, the list's columns and the call the PBX
// logged read in Russian.
registry.category("web_tour.tours").add("crm_telephony_russian_tour", {
    steps: () => [
        {
            content: "The card banner says in Russian what the card misses",
            trigger: ".o_form_view div[name='card_missing']:contains('Карточка неполная, не хватает:')",
        },
        {
            content: "The missing item is named in Russian",
            trigger: ".o_form_view div[name='card_missing']:contains('Должность')",
        },
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the CRM app",
            trigger: ".o-dropdown-item.o_app[data-menu-xmlid='crm.crm_menu_root']",
            run: "click",
        },
        {
            content: "Open the Phone Calls menu (crm_phonecall), in Russian",
            trigger: ".o_menu_sections button:contains('Звонки')",
            run: "click",
        },
        {
            content: "Open the logged calls",
            trigger: ".o-dropdown-item:contains('Записанные звонки')",
            run: "click",
        },
        {
            content: "The call list's columns are Russian",
            trigger: ".o_list_view th:contains('Тема звонка')",
        },
        {
            content: "The direction column too",
            trigger: ".o_list_view th:contains('Направление')",
        },
        {
            content: "The call the PBX logged is named in Russian",
            trigger: ".o_list_view .o_data_row td:contains('Входящий звонок с +14155550101')",
        },
        {
            content: "Its direction and status are Russian",
            trigger: ".o_list_view .o_data_row:contains('Входящий звонок с +14155550101'):contains('Проведён')",
        },
    ],
});
