"""`python -m app` is the `unroll` command."""

from .cli import main

main()
