"""Rules for scipy's compiled functions, one module per scipy package.
Loaded only when scipy is installed (bcad/rules/__init__.py); scipy's
Python code (scipy.special.logsumexp, softmax, polygamma, ...) is
interpreted down to them."""
from . import special  # noqa: F401
from . import linalg  # noqa: F401,E402
from . import spatial  # noqa: F401,E402
