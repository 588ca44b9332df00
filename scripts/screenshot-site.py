#!/usr/bin/env python3
"""Build a Material for MkDocs site of netdraft blocks and photograph it in headless Chromium.

The site (tests/site_browser.py) has the generated documentation of a large network
(``docs=true``), blocks in a list, an admonition and tabs, and a broken block. It is built
with the plugin, served on 127.0.0.1, and looked at at a desktop (1280x900) and a narrow
(400x800) width in Material's light and dark (slate) schemes. For each page, width and
scheme the output folder gets the whole page (``PAGE-WIDTH-SCHEME.png``), its first window
(``…-window.png``) and each diagram or error block (``…-blockN.png``); the layout problems
the test checks for (tests/test_mkdocs_browser.py) are printed, and the exit status is 1
when there are any.

    PYTHONPATH=src .venv/bin/python scripts/screenshot-site.py [OUT] [--no-css]
        [--theme material|mkdocs|mkdocs-auto] [--viewport desktop|narrow]
        [--own-site] [--keep-site]

Needs Chromium (``apt-get install chromium``; or NETDRAFT_CHROMIUM=PATH) and the ``dev``
extra (mkdocs-material, pymdown-extensions).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import site_browser as sb  # the tests' helper, found through the path above


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="site-screenshots", help="folder for the PNGs")
    parser.add_argument(
        "--no-css", action="store_true", help="build with the plugin's css: false (compare)"
    )
    parser.add_argument(
        "--theme",
        choices=sb.THEMES,
        default="material",
        help="MkDocs' own theme instead (light, or auto: following the system), looked at "
        "with the system's light and dark preference",
    )
    parser.add_argument(
        "--viewport",
        action="append",
        choices=sorted(sb.VIEWPORTS),
        help="only this width (repeatable; default: all)",
    )
    parser.add_argument(
        "--own-site",
        action="store_true",
        help="the project's own documentation instead (mkdocs.yml), with the system's "
        "light and dark preference",
    )
    parser.add_argument("--keep-site", action="store_true", help="keep the built site in OUT/site")
    args = parser.parse_args(argv)
    chromium = sb.find_chromium()
    if chromium is None:
        print("screenshot-site: no Chromium (apt-get install chromium, or NETDRAFT_CHROMIUM=PATH)")
        return 2
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netdraft-site-") as temp:
        root = out / "source" if args.keep_site else Path(temp)
        root.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        if args.own_site:
            site = sb.build_own_site(root / "site")
        else:
            site = sb.build_site(root, css=not args.no_css, theme=args.theme)
        built = time.monotonic()
        material = args.theme == "material" and not args.own_site
        schemes = sb.SCHEMES if material else sb.SYSTEM_SCHEMES
        viewports = {name: sb.VIEWPORTS[name] for name in args.viewport or sb.VIEWPORTS}
        pages = sb.page_names(site) if args.own_site else None
        looks = sb.look_at_site(site, chromium, out, viewports, schemes, pages)
        looked = time.monotonic()
    problems: list[str] = []
    for look in looks:
        found = sb.layout_problems(look) + sb.colour_problems(look)
        problems += found
        diagrams = sum(d["shown"] for d in look.measured["diagrams"])
        errors = sum(e["shown"] for e in look.measured["errors"])
        status = "ok" if not found else f"{len(found)} problem(s)"
        print(
            f"{look.page:8} {look.viewport:8} {look.scheme:8} {diagrams} diagram(s), "
            f"{errors} error block(s) shown: {status}"
        )
    for problem in problems:
        print(f"  {problem}")
    print(
        f"built in {built - started:.1f} s, {len(looks)} looks in {looked - built:.1f} s; "
        f"screenshots in {out}/"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
