"""The ``industrybrain`` command: the project's own verbs, then any Django command.

    industrybrain setup                      create/upgrade the database, load reference data
    industrybrain demo-data [--enterprises N --seed S]
    industrybrain import KIND FILE           KIND: enterprises | figures | designations
    industrybrain export KIND FILE
    industrybrain serve [--host H --port P]
"""

import os
import sys

VERBS = {
    "setup": "setup",
    "demo-data": "demo_data",
    "import": "import_data",
    "export": "export_data",
    "serve": "serve",
}


def main(argv=None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")
    if len(argv) > 1 and argv[1] in VERBS:
        argv[1] = VERBS[argv[1]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
