"""The scripts the offline pages load, vendored: reveal.js, require.js, jQuery, MathJax, the widget manager.

nbconvert's pages load these five from CDNs, so in a lecture hall without network they are blank.
They are fetched from the npm registry at BUILD time (``npm pack``, pinned versions, checked
against the registry's sha512) and copied into ``<out>/vendor/``; every page points at those
copies with relative URLs (LOCAL_URLS), so an output folder works offline, from a USB stick, as
it is. The checks at the end say whether a built page would load anything else.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NPM_CACHE = REPO / "build" / "npm-cache"


@dataclass(frozen=True)
class Vendored:
    """One npm package copied into ``vendor/<folder>``: only the files under ``keep``."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball
    folder: str
    keep: tuple[str, ...]


VENDORED = (
    Vendored("reveal.js", "4.6.1",
             "sha512-1CW0auaXNPmwmvQ7TwpszwVxMi2Xr5cTS3J3EBC/HHgbPF32Dn7aiu/LKWDOGjMbaDwKQiGmfqcoGQ74HUHCMw==",
             "reveal.js", ("dist/", "plugin/notes/")),
    Vendored("requirejs", "2.3.7",
             "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
             "requirejs", ("require.js",)),
    Vendored("jquery", "3.7.1",
             "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
             "jquery", ("dist/jquery.min.js",)),
    # MathJax 2: nbconvert's templates configure it with the MathJax 2 API.
    Vendored("mathjax", "2.7.9",
             "sha512-NOGEDTIM9+MrsqnjPEjVGNx4q0GQxqm61yQwSK+/5S59i26wId5IC5gNu9/bu8+CCVl5p9G2IHcAl/wJa+5+BQ==",
             "mathjax", ("MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions/",
                         "jax/input/TeX/", "jax/output/CommonHTML/", "jax/output/PreviewHTML/",
                         "jax/element/", "localization/en/", "fonts/HTML-CSS/TeX/woff/")),
    # The embedded widget manager that ipywidgets 8 (controls 5) views need.
    Vendored("@jupyter-widgets/html-manager", "1.0.15",
             "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
             "html-manager", ("dist/embed-amd.js", "dist/libembed-amd.js", "dist/*.woff2", "dist/*.woff",
                              "dist/*.ttf", "dist/*.eot", "dist/*.svg")),
)

# Where the pages look for each script, relative to the page (the vendor folder sits beside it).
LOCAL_URLS = {
    "reveal_url_prefix": "vendor/reveal.js",
    "require_js_url": "vendor/requirejs/require.js",
    "jquery_url": "vendor/jquery/dist/jquery.min.js",
    "mathjax_url": "vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "widget_renderer_url": "vendor/html-manager/dist/embed-amd.js",
}


# ---------------------------------------------------------------- vendored scripts

def _npm_pack(pkg: Vendored, cache: Path) -> Path:
    """The package's tarball in ``cache`` (``npm pack`` on first use), checked against its sha512."""
    cache.mkdir(parents=True, exist_ok=True)
    tgz = cache / f"{pkg.folder}-{pkg.version}.tgz"
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed once to fetch the offline copies of reveal.js, "
                               "MathJax, ...: install Node.js/npm (Debian: apt-get install npm)")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            result = subprocess.run([npm, "pack", f"{pkg.name}@{pkg.version}", "--silent",
                                     "--pack-destination", tmp],
                                    capture_output=True, text=True, timeout=300, check=False)
            packed = list(Path(tmp).glob("*.tgz"))
            if result.returncode != 0 or len(packed) != 1:
                raise RuntimeError(f"npm pack {pkg.name}@{pkg.version} failed:\n{result.stderr}")
            _check_integrity(packed[0], pkg)
            os.replace(packed[0], tgz)  # atomic: parallel builds never see half a file
    _check_integrity(tgz, pkg)
    return tgz


def _check_integrity(tgz: Path, pkg: Vendored) -> None:
    algo, _, expected = pkg.integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algo, tgz.read_bytes()).digest()).decode()
    if digest != expected:
        raise RuntimeError(f"{tgz} does not match the registry's {algo} for {pkg.name}@{pkg.version}")


def _kept(rel: str, keep: tuple[str, ...]) -> bool:
    from fnmatch import fnmatch

    if rel.endswith(".map"):
        return False
    return any(rel == k or (k.endswith("/") and rel.startswith(k)) or ("*" in k and fnmatch(rel, k))
               for k in keep)


def fetch_vendor(dest: Path, cache: Path = NPM_CACHE) -> Path:
    """Copy the offline scripts into ``dest`` (one folder per package); return ``dest``."""
    dest = Path(dest)
    for pkg in VENDORED:
        target = dest / pkg.folder
        stamp = target / ".vendored"
        if stamp.exists() and stamp.read_text() == f"{pkg.name}@{pkg.version}":
            continue
        tgz = _npm_pack(pkg, Path(cache))
        shutil.rmtree(target, ignore_errors=True)
        with tarfile.open(tgz, "r:gz") as tar:
            for member in tar.getmembers():
                rel = member.name.split("/", 1)[1] if "/" in member.name else ""
                if not member.isfile() or ".." in Path(rel).parts or not _kept(rel, pkg.keep):
                    continue
                out = target / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src:
                    out.write_bytes(src.read())
        stamp.write_text(f"{pkg.name}@{pkg.version}")
    return dest


# ---------------------------------------------------------------- checks (used by the tests)

class _Loads(HTMLParser):
    """Every ``<script src>`` and stylesheet ``<link href>`` of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.scripts.append(attrs["href"])


def loaded_urls(page: str) -> list[str]:
    """Every script and stylesheet a page loads: tags, JS module imports, require() and the widget manager."""
    parser = _Loads()
    parser.feed(page)
    urls = list(parser.scripts)
    urls += re.findall(r"import\s+\w+\s+from\s+'([^']+)'", page)
    urls += re.findall(r"widgetRendererSrc\s*=\s*'([^']+)'", page)
    for block in re.findall(r"require\(\s*\{[^}]*\}\s*,\s*\[([^\]]*)\]", page):
        urls += re.findall(r'"([^"]+)"', block)
    return urls


def is_remote(url: str) -> bool:
    return bool(re.match(r"^(https?:)?//", url.strip(), re.IGNORECASE))


def missing_local_files(page_path: Path) -> list[str]:
    """Local URLs loaded by a page whose file does not exist next to it (require() adds no .js)."""
    page_path = Path(page_path)
    missing = []
    for url in loaded_urls(page_path.read_text(encoding="utf-8")):
        if is_remote(url) or url.startswith("data:"):
            continue
        target = page_path.parent / url.split("?", 1)[0]
        if not target.exists():
            missing.append(url)
    return missing


def offline_problems(page_path: Path, needed: tuple[str, ...] = ()) -> list[str]:
    """Why a built page would not work without network ([] when it would).

    Any script or stylesheet it loads from the network, any of ``needed`` (substrings such as
    ``"MathJax.js"``) it does not load at all, and any local file it loads that is not shipped.
    """
    page_path = Path(page_path)
    urls = loaded_urls(page_path.read_text(encoding="utf-8"))
    problems = [f"loads from the network: {u}" for u in urls if is_remote(u)]
    problems += [f"does not load {n}" for n in needed if not any(n in u for u in urls)]
    problems += [f"loads {u}, which is not shipped in vendor/" for u in missing_local_files(page_path)]
    return problems

