"""`python -m kspages` runs the command line."""

from kspages.cli import main

if __name__ == "__main__":  # not when a worker process imports the parent's main module
    main()
