# The CRM suite on the official Odoo 18.0 image: our three addons plus the OCA addons they need.
FROM odoo:18.0 AS base

USER root
COPY requirements.txt /opt/crm-suite/requirements.txt
# --no-deps: the OCA wheels require the "odoo" distribution, which the image installs as a Debian package
# that pip must leave alone; requirements.txt lists everything they need, the OCA addons they depend on
# included (scripts/test checks that list).
RUN pip3 install --no-cache-dir --no-deps --break-system-packages -r /opt/crm-suite/requirements.txt
# Not in /mnt/extra-addons: the image declares it a VOLUME, and Docker Compose hands a recreated container
# the previous container's anonymous volumes, i.e. the addons of the previous build.
COPY addons /opt/crm-suite/addons
# addons_path (our addons + /mnt/extra-addons) and data_dir; the database server comes from HOST, USER, PASSWORD
COPY config/odoo-docker.conf /etc/odoo/odoo.conf
# consistent backups in Odoo's dump format: docs/scaling.md, "Backups"
COPY scripts/backup.py /opt/crm-suite/scripts/backup.py
USER odoo

# "tests" stage: the same image plus the test tools and the whole repository, for `docker compose run tests`.
FROM base AS test
USER root
COPY requirements-dev.txt /opt/crm-suite/requirements-dev.txt
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv --system-site-packages /opt/crm-suite-venv \
    && /opt/crm-suite-venv/bin/pip install --no-cache-dir -r /opt/crm-suite/requirements-dev.txt
COPY . /opt/crm-suite
WORKDIR /opt/crm-suite
ENTRYPOINT []
# The Ubuntu image has no Chromium outside snap, so the browser tours are skipped here (and reported as such);
# scripts/test without Docker runs them.
CMD ["/opt/crm-suite-venv/bin/python3", "scripts/suite.py", "test", "--allow-skip"]
