"""`python -m kspages` runs the command line."""

from kspages.cli import main

main()
