"""End-to-end harness: the built site behind the shipped nginx config, driven by headless Chromium.

tests/conftest.py imports the fixtures below, so every test can ask for them by name; test modules
import only helpers (importing a fixture too is harmless: session fixtures share one instance per
process, so the site is still built once and Chromium launched once):

    from harness import tour

    def test_something(served_site, recorded_page):
        page, rec = recorded_page
        page.goto(served_site + "practices/")
        ...
        rec.assert_clean()          # no outside host, no failed request, no console error

Fixtures
    kb_project     (session) the project folder to build: this repo, or a copy with the fixture
                   catalogue while catalog/ does not pass `kb check --strict` (see KB_TEST_CATALOG)
    built_site     (session) Path of that project built with `--base-url /kb/` (directory URLs)
    served_site    (session) base URL "http://127.0.0.1:<port>/kb/" of built_site, served by nginx
                   with deploy/nginx.conf and published the way operators do (deploy/publish.sh)
    browser        (session) Playwright Chromium (Debian's /usr/bin/chromium, never a download)
    recorded_page  (function) (page, Recorder): a fresh context whose every request is recorded;
                   requests to other hosts are recorded and aborted, so nothing leaves the machine

Functions
    serve_site(site_dir, workdir)   context manager: nginx serving site_dir under /kb/, yields base URL
    scan_outside_references(dir)    static check: src=/href=/url( in the site that name another host
    tour(page, base_url, site_dir)  home, a model, a region, a record page and a search
    project_copy(target, catalog)   a buildable copy of this repo's site config with another catalogue
    build(config_file, site_dir)    build_site that asserts success; returns site_dir
    Recorder().attach(context)      the recorder behind recorded_page, for contexts you make yourself

Everything skips when chromium or nginx is missing, except under CI (CI set), where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CATALOG = ROOT / "tests" / "fixtures" / "valid" / "catalog"
DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
PUBLISH = ROOT / "deploy" / "publish.sh"
ARTIFACTS = ROOT / "test-artifacts"
PREFIX = "/kb/"
CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"file", "data", "blob", "about", "mailto", "tel", "javascript"}  # contact no host


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI (.ci/run installs it)")
    pytest.skip(f"{what} not installed")


# --- which catalogue --------------------------------------------------------------------------

def use_real_catalog() -> bool:
    """The one switch: KB_TEST_CATALOG=real|fixture forces a choice; the default `auto` uses the
    real catalogue whenever it passes `kb check --strict`, the fixture catalogue otherwise."""
    choice = os.environ.get("KB_TEST_CATALOG", "auto")
    if choice in ("real", "fixture"):
        return choice == "real"
    from generator.check import check_catalog
    from generator.problems import promote_warnings

    found = promote_warnings(check_catalog(ROOT / "catalog", base=ROOT).problems)
    return not any(p.is_error for p in found)


def project_copy(target: Path, catalog: Path = FIXTURE_CATALOG) -> Path:
    """A buildable project in `target`: this repo's mkdocs.yml, content/ and theme_overrides/ with
    `catalog` as its catalogue. Returns the mkdocs.yml path."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("content", "theme_overrides"):
        shutil.copytree(ROOT / folder, target / folder)
    shutil.copytree(catalog, target / "catalog")
    return target / "mkdocs.yml"


def build(config_file: Path, site_dir: Path, **kwargs) -> Path:
    from generator.build import build_site

    result = build_site(config_file, site_dir=site_dir, **kwargs)
    assert result.ok, result.message
    return site_dir


# --- static scan ------------------------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "manifest"}


def is_outside(url: str) -> bool:
    """True for a URL that names a host other than 127.0.0.1 (protocol-relative included)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        return (parts.hostname or "localhost") != "localhost"  # file://host/... is a network share
    if parts.scheme and parts.scheme.lower() in LOCAL_SCHEMES:
        return False
    if not parts.scheme and not url.startswith("//"):
        return False  # relative or root-relative: this host
    return (parts.hostname or "") not in LOCAL_HOSTS


class _RefParser(HTMLParser):
    """Collects URL-valued attributes and inline CSS; knows whether it is inside <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str, bool]] = []  # (tag, attr, url, in_article)
        self.article = 0
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.article += 1
        if tag == "style":
            self._in_style = True
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.css.append(value)
            elif name in _URL_ATTRS:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if name == "srcset" else [value]
                self.refs.extend((tag, name, u, self.article > 0) for u in urls if u)

    def handle_endtag(self, tag):
        if tag == "article" and self.article:
            self.article -= 1
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.css.append(data)


def _css_refs(text: str) -> list[str]:
    return [m.group(2) for m in _CSS_URL.finditer(text)] + [m.group(2) for m in _CSS_IMPORT.finditer(text)]


def scan_outside_references(site_dir: Path) -> list[str]:
    """Every reference in the built site that would make a browser contact another host, as
    "file: tag attr=url" lines. Allowed: plain links (<a href>) inside the page's <article> —
    a record's original source, which a reader may choose to follow; nothing loads by itself.
    JavaScript is not parsed here (the browser tests watch what scripts actually request)."""
    found: list[str] = []
    for path in sorted(Path(site_dir).rglob("*")):
        rel = path.relative_to(site_dir).as_posix()
        if path.suffix == ".html":
            parser = _RefParser()
            parser.feed(path.read_text(encoding="utf-8", errors="replace"))
            for tag, attr, url, in_article in parser.refs:
                if is_outside(url) and not (tag == "a" and attr == "href" and in_article):
                    found.append(f"{rel}: <{tag} {attr}={url}>")
            for url in _css_refs("\n".join(parser.css)):
                if is_outside(url):
                    found.append(f"{rel}: inline css url({url})")
        elif path.suffix == ".css":
            for url in _css_refs(path.read_text(encoding="utf-8", errors="replace")):
                if is_outside(url):
                    found.append(f"{rel}: url({url})")
    return found


# --- nginx ------------------------------------------------------------------------------------

def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_test_config(conf: str, port: int, site_dir: Path) -> str:
    """The shipped server config with only `listen` (→ 127.0.0.1:port; further listen lines such
    as IPv6 dropped) and the `alias` path (→ site_dir, symlinks kept) changed. Fails loudly if
    the shipped file no longer has those lines."""
    listens = 0

    def listen(match: re.Match) -> str:
        nonlocal listens
        listens += 1
        return f"{match.group(1)}listen 127.0.0.1:{port};\n" if listens == 1 else ""

    conf = re.sub(r"^([ \t]*)listen\s+[^;]*;[ \t]*\n", listen, conf, flags=re.M)
    conf, aliases = re.subn(r"^([ \t]*)alias\s+[^;]*;", rf"\1alias {Path(site_dir).absolute()}/;", conf, flags=re.M)
    assert listens >= 1 and aliases == 1, "deploy/nginx.conf should have a listen line and one alias"
    return conf


_MAIN_CONF = """\
# Test wrapper around deploy/nginx.conf: foreground, one process, everything under {work}.
daemon off;
master_process off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include {mime};
    default_type application/octet-stream;
    sendfile on;
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/kb.conf;
}}
"""


@contextmanager
def serve_site(site_dir: Path, workdir: Path, conf: Path = DEPLOY_CONF) -> Iterator[str]:
    """Serve `site_dir` (a built site, or a publish.sh `current` symlink) with a test copy of
    `conf` on a free 127.0.0.1 port; yields the base URL, e.g. "http://127.0.0.1:41234/kb/"."""
    binary = nginx_binary()
    if binary is None:
        _missing("nginx")
    work = Path(workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    mime = next((p for p in ("/etc/nginx/mime.types",) if Path(p).is_file()), None)
    assert mime, "nginx's mime.types not found"
    (work / "nginx.conf").write_text(_MAIN_CONF.format(work=work, mime=mime), encoding="utf-8")
    last_error = ""
    for _attempt in range(3):
        port = free_port()
        (work / "kb.conf").write_text(nginx_test_config(conf.read_text(encoding="utf-8"), port, site_dir),
                                      encoding="utf-8")
        log = open(work / "stderr.log", "w+b")
        proc = subprocess.Popen([binary, "-p", str(work), "-c", str(work / "nginx.conf"), "-e",
                                 str(work / "error.log")], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        up = False
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                up = True
                break
            except OSError:
                time.sleep(0.05)
        if up:
            try:
                yield f"http://127.0.0.1:{port}{PREFIX}"
            finally:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                log.close()
            return
        proc.kill()
        proc.wait()
        log.seek(0)
        last_error = log.read().decode(errors="replace")
        if (work / "error.log").exists():
            last_error += (work / "error.log").read_text(errors="replace")
        log.close()
    raise RuntimeError(f"nginx did not start:\n{last_error}")


# --- browser ----------------------------------------------------------------------------------

@dataclass
class Recorder:
    """Everything a page did that an intranet reader must never see. Attach with `attach(context)`."""

    requests: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def attach(self, context) -> "Recorder":
        context.route("**/*", self._route)
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        # CSP violations reach the console in Chromium; this makes sure, with the blocked URL.
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => console.error("
            "'CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline')));")
        context.on("page", self.watch_page)
        return self

    def watch_page(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.console_errors.append(f"uncaught error on {page.url}: {e}"))

    def _route(self, route) -> None:
        url = route.request.url
        if is_outside(url):
            self.outside.append(url)
            route.abort("blockedbyclient")  # recorded, never sent
        else:
            route.continue_()

    def _failed(self, request) -> None:
        # net::ERR_ABORTED: the browser dropped a request because the page it was for was left
        # (a click before the favicon arrived); a missing file shows as an HTTP status instead.
        if request.url not in self.outside and "ERR_ABORTED" not in (request.failure or ""):
            self.failed.append(f"{request.url} failed: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} answered HTTP {response.status}")

    def problems(self) -> list[str]:
        return ([f"request to another host: {u}" for u in self.outside] + self.failed + self.console_errors)

    def assert_clean(self) -> None:
        found = self.problems()
        assert not found, "the browser saw problems:\n" + "\n".join(found)


def launch_browser(playwright):
    if not os.access(CHROMIUM, os.X_OK):
        _missing("chromium")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


@dataclass(frozen=True)
class TourStop:
    name: str
    path: str  # relative to the site root, as a browser would request it


def tour_stops(site_dir: Path) -> list[TourStop]:
    """Home, the first model, region and practice in the built site, in its URL style."""
    site_dir = Path(site_dir)
    directory_urls = (site_dir / "about" / "index.html").is_file()

    def first(folder: str) -> str:
        if directory_urls:
            name = sorted(p.name for p in (site_dir / folder).iterdir() if (p / "index.html").is_file())[0]
            return f"{folder}/{name}/"
        name = sorted(p.stem for p in (site_dir / folder).glob("*.html") if p.name != "index.html")[0]
        return f"{folder}/{name}.html"

    return [TourStop("home", "" if directory_urls else "index.html"), TourStop("model", first("models")),
            TourStop("region", first("regions")), TourStop("record", first("practices"))]


def tour(page, base_url: str, site_dir: Path, *, query: str = "网格", shots: str | None = None,
         recorder: Recorder | None = None) -> list[str]:
    """Visit home, a model, a region and a record page, then search with Material's search box and
    open the first result. `shots` names the screenshots of home and record page saved under
    test-artifacts/; a `recorder`'s findings go into the message when search shows nothing.
    Returns the visited URLs. Check the Recorder afterwards."""
    visited = []
    for stop in tour_stops(site_dir):
        url = urljoin(base_url, stop.path)
        page.goto(url, wait_until="networkidle")
        assert page.locator("article h1").first.inner_text().strip(), f"{url}: no page title"
        visited.append(page.url)
        if shots and stop.name in ("home", "record"):
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{shots}-{stop.name}.png"), full_page=False)
    page.goto(urljoin(base_url, tour_stops(site_dir)[0].path), wait_until="networkidle")
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow screens: open the search overlay first
        page.locator("label[for=__search]").first.click()
    box.click()
    box.fill(query)
    box.press("End")  # Material reads the query on keyup; fill() alone types no key
    first_hit = page.locator(".md-search-result__item a").first
    try:
        first_hit.wait_for(state="visible", timeout=15_000)
    except Exception as exc:  # playwright's TimeoutError: say what the reader saw instead
        meta = page.locator(".md-search-result__meta").first
        shown = meta.inner_text() if meta.count() else "(no result list)"
        found = "\n".join(recorder.problems()) if recorder else ""
        raise AssertionError(f"search for {query!r} on {page.url} showed no result: {shown}\n{found}") from exc
    first_hit.click()
    page.wait_for_load_state("load")
    visited.append(page.url)
    return visited


# --- fixtures ---------------------------------------------------------------------------------

_SHARED: dict = {}


@contextmanager
def _shared(key, factory) -> Iterator:
    """One instance per process for `key`, however many copies of a session fixture exist (a test
    module that imports a fixture from here makes its own copy): the first user creates it with
    the context manager `factory()`, the last one to finish closes it."""
    if key not in _SHARED:
        cm = factory()
        _SHARED[key] = [cm.__enter__(), 0, cm]
    entry = _SHARED[key]
    entry[1] += 1
    try:
        yield entry[0]
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            del _SHARED[key]
            entry[2].__exit__(None, None, None)


@contextmanager
def _value(make):
    yield make()


@contextmanager
def _published_and_served(site: Path, root: Path) -> Iterator[str]:
    subprocess.run(["bash", str(PUBLISH), str(site), str(root)], check=True, capture_output=True)
    with serve_site(root / "current", root / "nginx") as base_url:
        yield base_url


@contextmanager
def _chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def kb_project(tmp_path_factory) -> Iterator[Path]:
    """mkdocs.yml of the project the e2e tests build (see use_real_catalog)."""
    def make():
        if use_real_catalog():
            return ROOT / "mkdocs.yml"
        return project_copy(tmp_path_factory.mktemp("kb-project"), FIXTURE_CATALOG)

    with _shared("kb_project", lambda: _value(make)) as config:
        yield config


@pytest.fixture(scope="session")
def built_site(kb_project, tmp_path_factory) -> Iterator[Path]:
    """The site as operators build it for nginx: `kb build --base-url /kb/`."""
    make = lambda: build(kb_project, tmp_path_factory.mktemp("kb-site") / "site", base_url=PREFIX)  # noqa: E731
    with _shared(("built_site", kb_project), lambda: _value(make)) as site:
        yield site


@pytest.fixture(scope="session")
def served_site(built_site, tmp_path_factory) -> Iterator[str]:
    """built_site published with deploy/publish.sh and served by nginx; yields the base URL."""
    factory = lambda: _published_and_served(built_site, tmp_path_factory.mktemp("kb-deploy"))  # noqa: E731
    with _shared(("served_site", built_site), factory) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def browser():
    with _shared("browser", _chromium) as b:
        yield b


@pytest.fixture
def recorded_page(browser):
    """(page, Recorder) in a fresh browser context; the test decides what to assert."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  service_workers="block")
    recorder = Recorder().attach(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, recorder
    context.close()
