"""tonghop's command line. Run `python main.py --help`; the logic lives in sync/ and reports/."""

from sync.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
