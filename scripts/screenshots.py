#!/usr/bin/env python
"""Regenerate the screenshots of the site in docs/screenshots/.

    .venv/bin/python scripts/screenshots.py                 # fresh demo database, own server
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000   # a running site
    .venv/bin/python scripts/screenshots.py --only '*-hi-*'  # only the pictures named so

Without --base-url the script builds a throwaway SQLite database (/tmp/shots.sqlite3:
`migrate`, then `load_demo`), serves it with `manage.py runserver 127.0.0.1:8767`, takes the
pictures and stops the server. Pictures are full pages, 1280 px wide or a phone's 390 px, PNG
at scale 1 to keep each file well under 1.5 MB:

    list.png          the cluster list filtered to handloom clusters in West Bengal
    profile.png       the profile of the hosiery cluster of Ludhiana
    stats.png         the statistics page
    stakeholders.png  the stakeholder directory
    list-phone.png    the cluster list at phone width (filters folded)

and, in Hindi at 1280 px (`NAME-hi-1280.png`) and at 390 px (`NAME-hi-390.png`), and in
English at 390 px (`NAME-390.png`), for NAME in: home, clusters (the list), profile (the
hosiery cluster of Ludhiana), stakeholder-map (its stakeholder map), stats, and
workspace-clusters (the workspace's cluster list, signed in as the demo's curator).

The browser is Debian's chromium (/usr/bin/chromium) driven by Playwright; nothing is
downloaded. Hindi needs a Devanagari font (fonts-noto-core, which scripts/ensure-chromium
installs); without it the pictures show boxes. Look at the pictures after refreshing them:
they are for the README and reviews.
"""

import argparse
import fnmatch
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
DATABASE = "/tmp/shots.sqlite3"
ADDRESS = "127.0.0.1:8767"
CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The demo's curator (clusters/management/commands/load_demo.py), for the workspace pages.
CURATOR = ("curator", "curator-demo-2026")
WORKSPACE = "/manage/"
SHOTS = [
    ("list.png", "/clusters/?cluster_type=handloom&state=west-bengal", DESKTOP, "en"),
    ("profile.png", "/clusters/hosiery-ludhiana/", DESKTOP, "en"),
    ("stats.png", "/stats/", DESKTOP, "en"),
    ("stakeholders.png", "/stakeholders/", DESKTOP, "en"),
    ("list-phone.png", "/clusters/", PHONE, "en"),
]
# The pages shown in Hindi (at both widths) and on an English phone.
PAGES = (
    ("home", "/"),
    ("clusters", "/clusters/"),
    ("profile", "/clusters/hosiery-ludhiana/"),
    ("stakeholder-map", "/clusters/hosiery-ludhiana/map/"),
    ("stats", "/stats/"),
    ("workspace-clusters", "/manage/clusters/"),
)
for _stem, _path in PAGES:
    SHOTS += [
        (f"{_stem}-hi-1280.png", _path, DESKTOP, "hi"),
        (f"{_stem}-hi-390.png", _path, PHONE, "hi"),
        (f"{_stem}-390.png", _path, PHONE, "en"),
    ]
MAX_BYTES = 1_500_000


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start_server():
    """Build the demo database and serve it; return the server process."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DATABASE}", "DJANGO_DEBUG": "true"}
    Path(DATABASE).unlink(missing_ok=True)
    manage("migrate", "--verbosity", "0", env=env)
    manage("load_demo", env=env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", ADDRESS, "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(60):
        try:
            with urllib.request.urlopen(f"http://{ADDRESS}/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"the server stopped (is {ADDRESS} in use?)") from None
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("the server did not answer within 30 seconds")


def sign_in(page, base_url):
    """Sign the page's browser context in as the demo's curator."""
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", CURATOR[0])
    page.fill("#id_password", CURATOR[1])
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")


def take(base_url, only="*"):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, path, viewport, language in SHOTS:
            if not fnmatch.fnmatch(name, only):
                continue
            context = browser.new_context(
                viewport=viewport,
                device_scale_factor=1,
                locale="hi-IN" if language == "hi" else "en-IN",
                extra_http_headers={"Accept-Language": language},
            )
            page = context.new_page()
            if path.startswith(WORKSPACE):
                sign_in(page, base_url)
            response = page.goto(base_url + path, wait_until="networkidle")
            if not response.ok:
                raise SystemExit(f"{path} answered {response.status}")
            if not (page.get_attribute("html", "lang") or "").startswith(language):
                raise SystemExit(f"{path} is not in {language}")
            target = OUT / name
            page.screenshot(path=target, full_page=True, animations="disabled", caret="hide")
            size = target.stat().st_size
            print(f"{target.relative_to(ROOT)}  {size / 1000:.0f} kB  ({base_url}{path})")
            if size > MAX_BYTES:
                print(f"  warning: larger than {MAX_BYTES / 1e6:.1f} MB", file=sys.stderr)
            context.close()
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="take the pictures of this running site instead")
    parser.add_argument("--only", default="*", help="only the pictures whose name matches")
    options = parser.parse_args()
    if options.base_url:
        take(options.base_url.rstrip("/"), options.only)
        return
    server = start_server()
    try:
        take(f"http://{ADDRESS}", options.only)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
