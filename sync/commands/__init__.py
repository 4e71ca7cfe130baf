"""One module per command: ``register(subparsers)`` adds it; its docstring is its --help."""
