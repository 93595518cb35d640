"""The rules-as-code engine: load a policy pack, evaluate it over a columnar snapshot.

    from industrybrain.engine import load_pack, evaluate
    pack = load_pack("changzhou_2022")
    results = evaluate(pack, 2022, enterprises, figures, designations)  # a pyarrow.Table

Pure Python: imports nothing from Django or the web layer (a test checks it).
"""

from .errors import ExprError, InputError, PackError
from .evaluate import evaluate, evaluate_rows, explain_one
from .model import Pack, Policy
from .organisations import evaluate_organisations
from .pack import load_pack

__all__ = ["ExprError", "InputError", "Pack", "PackError", "Policy", "evaluate", "evaluate_organisations",
           "evaluate_rows", "explain_one", "load_pack"]
