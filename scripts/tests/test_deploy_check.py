"""The static checks of the Docker files and requirements.txt (scripts/deploy_check.py): the repository's own
files pass, and each kind of mistake they exist for is found in a copy of them. Run by the static stage
of scripts/test."""

import os
import shutil
import sys
import tempfile
import unittest
from importlib import metadata

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(SCRIPTS)
sys.path.insert(0, SCRIPTS)

import deploy_check  # noqa: E402

# what the OCA wheels declare (their METADATA's Requires-Dist), for a check that needs none installed
WHEELS = {
    "odoo-addon-crm-phonecall": ["odoo==18.0.*"],
    "odoo-addon-report-xlsx": ["odoo==18.0.*"],
    "odoo-addon-web-notify": ["odoo==18.0.*"],
    "odoo-addon-partner-contact-gender": [
        "odoo-addon-partner_contact_personal_information_page==18.0.*",
        "odoo==18.0.*",
    ],
    "odoo-addon-partner-contact-birthdate": [
        "odoo-addon-partner_contact_personal_information_page==18.0.*",
        "odoo==18.0.*",
    ],
    "odoo-addon-partner-contact-personal-information-page": ["odoo==18.0.*"],
}


def wheel_requires(name):
    if name not in WHEELS:
        raise metadata.PackageNotFoundError(name)
    return WHEELS[name]


class TestDeployCheck(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="deploy-check-")
        self.addCleanup(shutil.rmtree, self.root)
        for name in ("Dockerfile", "docker-compose.yml", ".dockerignore", "requirements.txt"):
            shutil.copy(os.path.join(ROOT, name), self.root)
        for rel in ("requirements-dev.txt", "config/odoo-docker.conf", "scripts/backup.py"):
            os.makedirs(os.path.dirname(os.path.join(self.root, rel)) or self.root, exist_ok=True)
            shutil.copy(os.path.join(ROOT, rel), os.path.join(self.root, rel))
        os.makedirs(os.path.join(self.root, "addons"))

    def edit(self, rel, old, new):
        path = os.path.join(self.root, rel)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        self.assertIn(old, text)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text.replace(old, new))

    def problems(self):
        stages, copies, problems = deploy_check.dockerfile_problems(self.root)
        problems += deploy_check.image_conf_problems(self.root, copies)
        problems += deploy_check.compose_problems(self.root, stages)
        problems += deploy_check.requirements_problems(self.root, wheel_requires)[0]
        return problems

    def test_repository_files_pass(self):
        self.assertEqual(self.problems(), [])
        problems, _note = deploy_check.check(ROOT)
        self.assertEqual(problems, [])

    def test_oca_dependency_missing_under_no_deps(self):
        """The image installs requirements.txt with --no-deps: the birthdate and gender wheels' own OCA
        dependency must be listed, or Odoo cannot install crm_custom in the image."""
        self.edit("requirements.txt", "odoo-addon-partner-contact-personal-information-page==18.0.*\n", "")
        problems = self.problems()
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("partner-contact-personal-information-page", problems[0])

    def test_wheels_not_installed_are_reported_not_failed(self):
        def nothing_installed(name):
            raise metadata.PackageNotFoundError(name)

        problems, unread = deploy_check.requirements_problems(self.root, nothing_installed)
        self.assertEqual(problems, [])
        self.assertEqual(len(unread), 6)

    def test_pip_without_no_deps(self):
        self.edit("Dockerfile", "--no-deps ", "")
        expected = "Dockerfile: requirements.txt is expected to be installed with --no-deps"
        self.assertIn(expected, self.problems())

    def test_unknown_build_target(self):
        self.edit("docker-compose.yml", "target: test", "target: tests")
        self.assertEqual(
            self.problems(),
            ["docker-compose.yml: service tests builds target 'tests', not a Dockerfile stage"],
        )

    def test_compose_not_yaml(self):
        self.edit("docker-compose.yml", "services:", "services: [")
        problems = self.problems()
        self.assertEqual(len(problems), 1)
        self.assertTrue(problems[0].startswith("docker-compose.yml: while parsing"), problems)

    def test_copy_source_missing_or_ignored(self):
        os.remove(os.path.join(self.root, "scripts", "backup.py"))
        self.assertEqual(self.problems(), ["Dockerfile: COPY source scripts/backup.py does not exist"])
        with open(os.path.join(self.root, "scripts", "backup.py"), "w", encoding="utf-8") as fh:
            fh.write("")
        with open(os.path.join(self.root, ".dockerignore"), "a", encoding="utf-8") as fh:
            fh.write("scripts\n")
        expected = ["Dockerfile: COPY source scripts/backup.py is excluded by .dockerignore"]
        self.assertEqual(self.problems(), expected)

    def test_image_conf_without_our_addons_or_with_a_database_server(self):
        self.edit("config/odoo-docker.conf", "addons_path = /opt/crm-suite/addons,", "addons_path = ")
        self.assertEqual(
            self.problems(),
            [
                "config/odoo-docker.conf: addons_path does not list /opt/crm-suite/addons, "
                "where the Dockerfile copies addons/"
            ],
        )
        self.edit("config/odoo-docker.conf", "addons_path = ", "addons_path = /opt/crm-suite/addons,")
        self.edit("config/odoo-docker.conf", "data_dir =", "db_host = localhost\ndata_dir =")
        self.assertEqual(
            self.problems(),
            ["config/odoo-docker.conf: db_host overrides the compose file's HOST/PORT/USER/PASSWORD"],
        )


if __name__ == "__main__":
    unittest.main()
