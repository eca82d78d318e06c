"""`python -m sitegen.cli` is the same as `sitegen`."""
from sitegen.cli import main

main()
