"""Entry point of `python -m portalstack`."""

import sys

from portalstack.cli import main

sys.exit(main())
