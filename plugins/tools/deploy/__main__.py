"""``python -m tools.deploy publish --target ssh`` (from the project root, plugins/ on the path)."""

import sys

from .cli import main

sys.exit(main())
