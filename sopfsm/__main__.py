import sys

from sopfsm.cli import main

sys.exit(main())
