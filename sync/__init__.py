"""tonghop: consolidate what units submit through Google Forms.

The core (this package) never imports the command line; ``sync.cli`` parses options, calls the
core and turns :class:`sync.errors.TonghopError` into one line and an exit code.
"""

__version__ = "0.1.0"
