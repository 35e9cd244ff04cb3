"""Copy the front-end assets installed by npm into static/vendor (run by `make setup`).

Only files the pages use are copied; whitenoise serves them with far-future cache headers.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

FILES = {
    "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
    "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    "@fontsource/noto-serif-tibetan/400.css": "fonts/noto-serif-tibetan/400.css",
    "@fontsource/noto-serif-tibetan/700.css": "fonts/noto-serif-tibetan/700.css",
    "@fontsource/noto-sans-sc/400.css": "fonts/noto-sans-sc/400.css",
}
FONT_FILES = {
    "@fontsource/noto-serif-tibetan/files": ("fonts/noto-serif-tibetan/files", ("-400-normal.", "-700-normal.")),
    "@fontsource/noto-sans-sc/files": ("fonts/noto-sans-sc/files", ("-400-normal.",)),
}


def main():
    if not NODE.exists():
        sys.exit("node_modules is missing: run `npm ci` first (make setup does).")
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for source, target in FILES.items():
        destination = VENDOR / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(NODE / source, destination)
        source_map = NODE / (source + ".map")
        if source_map.exists():  # referenced from the minified file; the manifest storage needs it
            shutil.copy2(source_map, destination.with_name(destination.name + ".map"))
    for source, (target, markers) in FONT_FILES.items():
        destination = VENDOR / target
        destination.mkdir(parents=True, exist_ok=True)
        for path in (NODE / source).iterdir():
            if any(marker in path.name for marker in markers):
                shutil.copy2(path, destination / path.name)
    (VENDOR / ".stamp").write_text("ok\n")
    print("static/vendor: {} files".format(sum(1 for p in VENDOR.rglob("*") if p.is_file())))


if __name__ == "__main__":
    main()
