#!/usr/bin/env python3
"""Thin entry point: ``python build.py ARGS`` is ``trialdocs ARGS``.

With no arguments it builds every protocol, like ``trialdocs build``.
"""

import sys

from trialdocs.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["build"]))
