"""Thin entry point: `python cli.py ...` is the same as `sitegen ...`."""
from sitegen.cli import main

if __name__ == "__main__":
    main()
