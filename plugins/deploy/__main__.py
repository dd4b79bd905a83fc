"""``python -m deploy publish --target ssh`` (run from the project root, plugins/ on the path)."""

import sys

from deploy.cli import main

sys.exit(main())
