"""The ``industrybrain`` command: the project's own verbs, then any Django command.

    industrybrain setup                      create/upgrade the database, load reference data
    industrybrain demo-data [--enterprises N --seed S]
    industrybrain import KIND FILE           KIND: enterprises | figures | designations
    industrybrain export KIND FILE
    industrybrain serve [--host H --port P]
    industrybrain evaluate --pack changzhou_2022 --year 2022 [--parquet F] [--no-store]
    industrybrain explain USCC [--year 2022]
    industrybrain simulate --from-year 2022 [--to-year 2025 --runs 20 --reform NAME=VALUE]
    industrybrain worker [--once]
    industrybrain targets-refresh            recompute the target indicators and statuses
    industrybrain place-segments             place enterprises in the segments of their chains
    industrybrain report OUT.pdf|OUT.xlsx [--district D]
    industrybrain pools-recompute [--year Y | --all-years] [--accept]
    industrybrain diagnoses progress|assign|key-clients …
"""

import os
import sys

VERBS = {
    "setup": "setup",
    "demo-data": "demo_data",
    "import": "import_data",
    "export": "export_data",
    "serve": "serve",
    "targets-refresh": "targets_refresh",  # load targets.yaml, recompute indicators, assess
    "report": "report",  # the monthly targets report: report OUT.pdf|OUT.xlsx [--district X]
    "evaluate": "evaluate",  # a policy run for a year: proposals and/or Parquet (issues 4, 5)
    "explain": "explain",  # one enterprise's results and reasons
    "simulate": "simulate",  # the pack's cost to a future year; a reform's winners and losers
    "place-segments": "place_segments",  # place enterprises in chain segments; counts per rule
    "worker": "run_worker",  # runs queued batch runs when IB_JOBS=worker or redis://
    "pools-recompute": "pools_recompute",  # the yearly pool review: proposals, standings, forecast
    "diagnoses": "diagnoses",  # 智改数转: coverage, batch assignment, the key-client list
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
