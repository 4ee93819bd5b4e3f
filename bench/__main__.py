"""Run every benchmark (bench/*_bench.py but scale_bench.py) with its defaults: `python -m bench` (make bench).

`make bench` starts a throwaway PostgreSQL, so the database is migrated first.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    root = HERE.parent
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, check=True)
    for script in sorted(HERE.glob("*_bench.py")):
        if script.stem == "scale_bench":  # many minutes at national scale: make bench-scale
            continue
        print(f"== {script.stem}", flush=True)
        subprocess.run([sys.executable, str(script)], cwd=root, check=True)


if __name__ == "__main__":
    main()
