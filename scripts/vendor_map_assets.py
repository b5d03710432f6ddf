"""Re-fetch the JavaScript and CSS that folium maps load, for kotaku_gis's offline maps.

Maintainers run this when folium changes the versions it references::

    python scripts/vendor_map_assets.py

It runs ``npm pack`` for each pinned package in a temporary folder (only the npm registry is
contacted), copies the minified files a map needs and each package's licence into
``kotaku_gis/maps/assets/<package>-<version>/``, and writes ``assets/manifest.json``: the CDN
address folium writes into a map → the vendored file, with the package, version, licence and
the npm tarball's integrity hash. ``kotaku_gis.maps.offline`` reads that manifest to inline
the files into saved maps.

Two transformations are applied, both to keep the inlined copy quiet when offline:
``sourceMappingURL`` comments are removed, and Font Awesome's ``@font-face`` rules are removed
(the icon fonts are not vendored: kotaku_gis maps draw no icons).

The versions are the ones folium 0.20 references in ``folium.folium._default_js`` /
``_default_css`` and in ``folium.plugins.MarkerCluster``. Two of folium's default stylesheets
are not on npm and are left out of offline maps (see ``OMITTED``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "kotaku_gis" / "maps" / "assets"

# npm spec, folder name, {CDN url: path inside the package}, extra files (images), licence file
PACKAGES: list[dict] = [
    {
        "spec": "leaflet@1.9.3",
        "license": "LICENSE",
        "spdx": "BSD-2-Clause",
        "urls": {
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "dist/leaflet.js",
            "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "dist/leaflet.css",
        },
        "extra": [
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ],
    },
    {
        "spec": "jquery@3.7.1",
        "license": "LICENSE.txt",
        "spdx": "MIT",
        "urls": {"https://code.jquery.com/jquery-3.7.1.min.js": "dist/jquery.min.js"},
    },
    {
        "spec": "bootstrap@5.2.2",
        "license": "LICENSE",
        "spdx": "MIT",
        "urls": {
            "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
                "dist/js/bootstrap.bundle.min.js"
            ),
            "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
                "dist/css/bootstrap.min.css"
            ),
        },
    },
    {
        "spec": "@fortawesome/fontawesome-free@6.2.0",
        "license": "LICENSE.txt",
        "spdx": "CC-BY-4.0 AND OFL-1.1 AND MIT",
        "urls": {
            "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
                "css/all.min.css"
            ),
        },
    },
    {
        # The same files cdnjs serves as Leaflet.awesome-markers 2.0.2; this npm package has no
        # licence file, so the upstream MIT licence is written out below.
        "spec": "drmonty-leaflet-awesome-markers@2.0.2",
        "license": None,
        "spdx": "MIT",
        "urls": {
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
            "leaflet.awesome-markers.js": "js/leaflet.awesome-markers.min.js",
            "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/"
            "leaflet.awesome-markers.css": "css/leaflet.awesome-markers.css",
        },
        "extra": [
            "css/images/markers-soft.png",
            "css/images/markers-soft@2x.png",
            "css/images/markers-shadow.png",
            "css/images/markers-shadow@2x.png",
        ],
    },
    {
        "spec": "leaflet.markercluster@1.1.0",
        "license": "MIT-LICENCE.txt",
        "spdx": "MIT",
        "urls": {
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
            "leaflet.markercluster.js": "dist/leaflet.markercluster.js",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
            "MarkerCluster.css": "dist/MarkerCluster.css",
            "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
            "MarkerCluster.Default.css": "dist/MarkerCluster.Default.css",
        },
    },
]

OMITTED = {
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "Bootstrap 3.0.0 glyphicons are not on npm; only icon classes and their font, "
        "which kotaku_gis maps do not use."
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": (
        "folium's own stylesheet for rotated awesome-marker icons, not on npm; "
        "kotaku_gis maps draw no icons."
    ),
}

AWESOME_MARKERS_LICENSE = """\
The MIT License (MIT)

Copyright (c) 2012-2013 Lennard Voogdt (https://github.com/lvoogdt/Leaflet.awesome-markers)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

_SOURCE_MAP = re.compile(rb"\n?/\*# sourceMappingURL=[^*]*\*/\s*$|\n?//# sourceMappingURL=\S*\s*$")
_FONT_FACE = re.compile(rb"@font-face\{[^}]*\}")


def _folder(spec: str) -> str:
    name, version = spec.rsplit("@", 1)
    return f"{name.split('/')[-1]}-{version}"


def _clean(data: bytes, target: str) -> bytes:
    if target.endswith((".js", ".css")):
        data = _SOURCE_MAP.sub(b"\n", data)
    if target.endswith("all.min.css"):
        data = _FONT_FACE.sub(b"", data)
    return data


def _pack(spec: str, workdir: Path) -> tuple[Path, str]:
    out = subprocess.run(
        ["npm", "pack", spec, "--json", "--pack-destination", str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,
    )
    info = json.loads(out.stdout)[0]
    folder = workdir / _folder(spec)
    with tarfile.open(workdir / info["filename"]) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package", info["integrity"]


def main() -> int:
    """Fetch every package and rewrite ``kotaku_gis/maps/assets``; return the exit code."""
    urls: dict[str, str] = {}
    packages = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for pkg in PACKAGES:
            source, integrity = _pack(pkg["spec"], work)
            folder = _folder(pkg["spec"])
            dest = ASSETS / folder
            shutil.rmtree(dest, ignore_errors=True)
            dest.mkdir(parents=True)
            files = {}
            for url, inner in pkg["urls"].items():
                target = Path(inner).name
                (dest / target).write_bytes(_clean((source / inner).read_bytes(), target))
                urls[url] = f"{folder}/{target}"
            for inner in pkg.get("extra", []):
                # images keep their relative place next to the stylesheet that names them
                target = dest / "images" / Path(inner).name
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(source / inner, target)
            if pkg["license"]:
                shutil.copyfile(source / pkg["license"], dest / Path(pkg["license"]).name)
                licence = Path(pkg["license"]).name
            else:
                (dest / "LICENSE").write_text(AWESOME_MARKERS_LICENSE, encoding="utf-8")
                licence = "LICENSE"
            for path in sorted(dest.rglob("*")):
                if path.is_file():
                    files[path.relative_to(ASSETS).as_posix()] = hashlib.sha256(
                        path.read_bytes()
                    ).hexdigest()
            packages.append(
                {
                    "npm": pkg["spec"],
                    "folder": folder,
                    "license": f"{folder}/{licence}",
                    "spdx": pkg["spdx"],
                    "integrity": integrity,
                    "sha256": files,
                }
            )
            print(f"{pkg['spec']:45s} -> {folder} ({len(files)} files)")
    manifest = {"packages": packages, "urls": urls, "omitted": OMITTED}
    (ASSETS / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    total = sum(p.stat().st_size for p in ASSETS.rglob("*") if p.is_file())
    print(f"total {total / 1e6:.2f} MB in {ASSETS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
