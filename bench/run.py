"""``make bench``: run every benchmark script in bench/ (each prints its own report).

``python bench/run.py [NAME ...]`` runs only the named scripts (file names without .py). Scripts are
standalone programs with their own options (``python bench/cases_stats.py --help``); keep this runner tiny.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names):
    scripts = sorted(path for path in HERE.glob("*.py") if path.name != "run.py" and not path.name.startswith("_"))
    failed = 0
    for script in scripts:
        if names and script.stem not in names:
            continue
        print(f"== {script.name}", flush=True)
        failed += subprocess.run([sys.executable, str(script)], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
