import sys

from ecomm.cli import main

sys.exit(main())
