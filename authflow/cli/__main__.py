"""``python -m authflow.cli``: the ``authflow`` command."""

import sys

from authflow.cli import main

sys.exit(main())
